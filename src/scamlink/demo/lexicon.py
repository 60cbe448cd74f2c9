"""Words the scammers build names from: brands their phishing domains imitate, the names of their
fake platforms, their handles and e-mail addresses, and the names on mule accounts."""

from __future__ import annotations

# Brands imitated by phishing and impersonation domains, per victim country and kind.
BRANDS: dict[str, dict[str, tuple[str, ...]]] = {
    "KR": {
        "bank": ("kbstar", "shinhan", "wooribank", "kebhana", "nonghyup", "ibk", "kakaobank"),
        "authority": ("police-go-kr", "spo-go-kr", "scourt", "fss-or-kr", "hometax"),
        "delivery": ("cjlogistics", "epost", "hanjin", "coupang", "lotteglogis"),
    },
    "TH": {
        "bank": ("kasikorn", "kbank-th", "scb", "krungthai", "bangkokbank", "krungsri", "ttb"),
        "authority": ("police-go-th", "dsi-go-th", "rd-go-th", "pea-th", "thaiid"),
        "delivery": ("kerry-express-th", "thailandpost", "flash-express", "jtexpress-th"),
    },
    "VN": {
        "bank": ("vietcombank", "vietinbank", "bidv", "techcombank", "mbbank", "agribank"),
        "authority": ("bocongan", "dichvucong", "thuedientu", "evn-vn", "vneid"),
        "delivery": ("vnpost", "ghn-vn", "ghtk", "viettelpost"),
    },
    "ID": {
        "bank": ("klikbca", "bri", "bni", "bankmandiri", "bsi"),
        "authority": ("polri", "djp-pajak", "beacukai", "pln-id", "bpjs"),
        "delivery": ("jnt-express", "jne", "posindonesia", "sicepat"),
    },
    "PH": {
        "bank": ("bdo", "bpi", "metrobank", "gcash", "maya", "landbank"),
        "authority": ("pnp-gov-ph", "nbi-gov-ph", "bir-gov-ph", "lto-ph", "sss-ph"),
        "delivery": ("lbcexpress", "phlpost", "jtexpress-ph", "ninjavan-ph"),
    },
    "MY": {
        "bank": ("maybank2u", "cimbclicks", "publicbank", "rhb", "hongleong"),
        "authority": ("pdrm", "lhdn", "jpj", "myeg", "bnm"),
        "delivery": ("poslaju", "jnt-my", "ninjavan-my", "tnb"),
    },
    "SG": {
        "bank": ("dbs", "posb", "ocbc", "uob"),
        "authority": ("spf-gov-sg", "ica-gov-sg", "mom-gov-sg", "iras", "singpass"),
        "delivery": ("singpost", "ninjavan-sg", "qxpress"),
    },
    "KH": {
        "bank": ("ababank", "acleda", "wingbank", "canadia"),
        "authority": ("police-gov-kh", "gdce-kh", "nbc-kh"),
        "delivery": ("cambodiapost", "jtexpress-kh"),
    },
    "LA": {
        "bank": ("bcel", "bcelone", "ldb-la"),
        "authority": ("police-gov-la", "bol-la"),
        "delivery": ("laopost",),
    },
    "MM": {
        "bank": ("kbzbank", "kbzpay", "ayabank", "cbbank", "wavemoney"),
        "authority": ("police-gov-mm", "cbm-mm"),
        "delivery": ("myanmarpost",),
    },
    "BN": {
        "bank": ("bibd", "baiduri", "taib"),
        "authority": ("police-gov-bn", "ambd"),
        "delivery": ("posbrunei",),
    },
}

# Internationalised (IDN) lookalikes written in the local script.
IDN_BRANDS: dict[str, tuple[str, ...]] = {
    "KR": ("국민은행", "우체국", "검찰청", "금융감독원", "신한은행", "농협"),
    "TH": ("กสิกร", "ไปรษณีย์ไทย", "กรุงไทย"),
}
IDN_WORDS: dict[str, tuple[str, ...]] = {
    "KR": ("보안", "인증", "본인확인", "환급", "조회", "택배"),
    "TH": ("ยืนยัน", "ตรวจสอบ", "คืนเงิน"),
}

SITE_PATTERNS: dict[str, tuple[str, ...]] = {
    "bank": (
        "{b}-secure",
        "{b}-verify",
        "{b}-login",
        "secure-{b}",
        "{b}-support",
        "m-{b}",
        "{b}-auth",
        "{b}online",
        "{b}-update",
        "my{b}",
        "e-{b}",
        "{b}-check",
    ),
    "authority": ("{b}-case", "{b}-notice", "{b}-check", "{b}-fine", "{b}", "e-{b}", "{b}-report"),
    "delivery": ("{b}-track", "{b}-redelivery", "{b}-parcel", "{b}-delivery", "{b}-tracking"),
}
SITE_PATHS: dict[str, tuple[str, ...]] = {
    "bank": ("/login", "/verify", "/auth/otp", "/m/index.html", "/update?step=1", "/secure/"),
    "authority": ("/case/view", "/notice", "/warrant", "/check", "/report?no={n}"),
    "delivery": ("/track", "/redelivery", "/p/{code}", "/parcel?id={n}"),
    "platform": ("/#/login", "/h5/", "/register?invite={code}", "/app/download", "/invite/{code}"),
    "task": ("/#/task", "/register?code={code}", "/h5/#/mission", "/login"),
    "loan": ("/apply", "/download/app.apk", "/form?ref={code}"),
    "shop": ("/product/{n}", "/sale", "/checkout", "/"),
    "chat": ("/download", "/app.apk", "/chat"),
}

TLDS: tuple[str, ...] = (
    "com",
    "top",
    "xyz",
    "net",
    "info",
    "cc",
    "vip",
    "shop",
    "site",
    "online",
    "icu",
    "club",
    "live",
    "buzz",
    "asia",
    "link",
    "cfd",
    "sbs",
)

# Fake platforms: investment and crypto exchanges, task sites, loan apps, shops, chat apps.
PLATFORM_WORDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "platform": (
        (
            "bit",
            "coin",
            "usdt",
            "gold",
            "fx",
            "apex",
            "nova",
            "zen",
            "vertex",
            "quant",
            "titan",
            "lux",
            "meta",
            "prime",
            "alpha",
            "omega",
            "star",
            "hk",
            "sg",
            "astra",
        ),
        (
            "ex",
            "trade",
            "pro",
            "global",
            "mex",
            "-exchange",
            "-futures",
            "-vip",
            "-capital",
            "-invest",
            "-markets",
            "bit",
            "-fx",
            "-asset",
        ),
    ),
    "task": (
        ("amz", "tiktok", "shopee", "lazada", "agoda", "booking", "temu", "ali", "yt", "trip"),
        ("-task", "-mall-work", "-rating", "-vip-job", "-mission", "-job", "-earn", "task"),
    ),
    "loan": (
        ("pinjaman", "dana", "vay", "cash", "fast", "easy", "quick", "happy", "smart", "sunny"),
        ("-loan", "-cepat", "-kilat", "-nhanh", "-credit", "-lending", "loan", "-pay"),
    ),
    "shop": (
        ("nike", "adidas", "apple", "samsung", "uniqlo", "dyson", "lego", "rolex", "coach", "zara"),
        ("-outlet", "-sale", "-official-store", "-clearance", "-shop", "-deals", "-mall"),
    ),
    "chat": (
        ("love", "sweet", "honey", "secret", "private", "kiss", "candy", "peach", "moon", "lily"),
        ("-chat", "-live", "-cam", "-talk", "chat", "-meet"),
    ),
}

# Handles and e-mail local parts: two words and a number.
HANDLE_FIRST: tuple[str, ...] = (
    "vip",
    "usdt",
    "coin",
    "trade",
    "invest",
    "mentor",
    "teacher",
    "hr",
    "job",
    "task",
    "cs",
    "support",
    "agent",
    "loan",
    "service",
    "admin",
    "manager",
    "official",
    "lucky",
    "gold",
)
HANDLE_SECOND: tuple[str, ...] = (
    "anna",
    "lisa",
    "mina",
    "jenny",
    "sora",
    "linda",
    "kevin",
    "david",
    "jason",
    "alex",
    "emma",
    "lily",
    "grace",
    "amy",
    "tommy",
    "eric",
    "kim",
    "lee",
    "park",
    "chen",
    "wang",
    "tan",
    "lim",
    "nina",
    "rose",
)
EMAIL_PROVIDERS: tuple[tuple[str, float], ...] = (
    ("gmail.com", 6),
    ("outlook.com", 1.5),
    ("hotmail.com", 1),
    ("yahoo.com", 1),
    ("qq.com", 1),
    ("proton.me", 0.5),
)
EMAIL_ROLES: tuple[str, ...] = ("support", "help", "cs", "admin", "service", "verify", "noreply")

# Names on mule accounts ("예금주", "a.n."), where victims usually write them.
HOLDERS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "KR": (
        ("김", "이", "박", "최", "정", "강", "조", "윤"),
        ("민수", "지훈", "서연", "영희", "성호", "은지", "동현"),
    ),
    "TH": (("นาย", "นาง", "น.ส."), ("สมชาย", "สมศักดิ์", "วิภา", "อรุณ", "สุดา", "ประเสริฐ")),
    "VN": (
        ("NGUYEN", "TRAN", "LE", "PHAM", "HOANG", "VU"),
        ("VAN HUNG", "THI LAN", "MINH TUAN", "THI HOA", "DUC ANH"),
    ),
    "ID": (
        ("Budi", "Siti", "Agus", "Dewi", "Rudi", "Rina"),
        ("Santoso", "Rahmawati", "Saputra", "Lestari", "Hidayat"),
    ),
    "PH": (
        ("Juan", "Maria", "Jose", "Ana", "Mark", "Joy"),
        ("Dela Cruz", "Santos", "Reyes", "Garcia", "Mendoza"),
    ),
    "MY": (
        ("Ahmad", "Nur", "Tan", "Lim", "Muhammad", "Siti"),
        ("bin Ali", "Aisyah", "Wei Ming", "binti Hassan", "Ah Kow"),
    ),
}
HOLDER_LABEL: dict[str, tuple[str, ...]] = {
    "KR": ("예금주", "예금주:"),
    "TH": ("ชื่อบัญชี",),
    "VN": ("chủ TK", "CTK"),
    "ID": ("a.n.", "an."),
    "PH": ("acct name:",),
    "MY": ("nama:",),
}
