"""Malay: reports to the Royal Malaysia Police (CCID), Singapore and Brunei police."""

from __future__ import annotations

from scamlink.demo.narratives.base import Phrasebook
from scamlink.reports.model import ScamType as S

PHRASEBOOK = Phrasebook(
    code="ms",
    stories={
        S.INVESTMENT: (
            "Saya nampak iklan pelaburan saham di Facebook dan dimasukkan ke dalam group WhatsApp. "
            "Mula-mula boleh keluarkan untung, tetapi selepas deposit besar akaun dibekukan.",
            "Saya diajak melabur dalam mata wang kripto dengan pulangan tinggi. Apabila hendak "
            "mengeluarkan wang, diminta bayar cukai dan yuran pengesahan dahulu.",
        ),
        S.ROMANCE: (
            "Saya berkenalan dengan seorang lelaki asing di aplikasi temu janji. Dia kata "
            "hantar hadiah "
            "dan saya perlu bayar cukai kastam.",
            "Dia berjanji untuk berkahwin dan mengajak saya melabur bersama, kemudian "
            "menyekat saya.",
        ),
        S.JOB_TASK: (
            "Saya terima mesej tawaran kerja sambilan like video dengan komisen. Selepas itu "
            "diminta "
            "deposit untuk tugasan seterusnya dan wang tidak dapat dikeluarkan.",
            "Saya memohon kerja di luar negara dengan gaji lumayan dan diminta bayar tiket "
            "kapal terbang "
            "dahulu. Sepupu saya yang pergi ke sana tidak dapat dihubungi.",
        ),
        S.IMPERSONATION_AUTHORITY: (
            "Seorang pemanggil mengaku pegawai polis dan mengatakan akaun bank saya terlibat "
            "dengan "
            "pengubahan wang haram. Saya diminta memindahkan wang ke akaun selamat.",
            "Suspek mengaku pegawai mahkamah dan mengatakan saya ada saman tertunggak serta "
            "waran tangkap.",
            "Pemanggil mengaku dari LHDN dan menghantar pautan untuk mengemas kini maklumat cukai.",
        ),
        S.IMPERSONATION_BUSINESS: (
            "Saya terima SMS bungkusan tidak dapat dihantar dan klik pautan untuk bayar caj "
            "penghantaran "
            "semula. Kemudian kad saya dicaj beberapa kali.",
            "Seseorang mengaku pegawai bank dan minta saya beri nombor TAC untuk batalkan "
            "transaksi.",
        ),
        S.LOAN: (
            "Saya memohon pinjaman segera dalam talian dan diminta bayar yuran guaman dan insurans "
            "dahulu, tetapi pinjaman tidak diluluskan.",
            "Aplikasi pinjaman mengambil senarai kenalan saya dan mengugut keluarga saya.",
        ),
        S.SEXTORTION: (
            "Seorang wanita mengajak panggilan video dan merakamnya, kemudian mengugut untuk "
            "menyebarkan video jika saya tidak membayar.",
        ),
        S.PHISHING: (
            "Saya klik pautan dalam SMS yang kononnya daripada bank dan memasukkan kata "
            "laluan. Wang "
            "dalam akaun saya dipindahkan keluar.",
            "Saya terima e-mel akaun akan disekat lalu memasukkan butiran kad kredit.",
        ),
        S.ECOMMERCE: (
            "Saya membeli telefon di kedai dalam talian dengan harga murah, sudah bayar "
            "tetapi barang "
            "tidak sampai.",
            "Saya bayar deposit sewa rumah yang diiklankan di media sosial, ejen terus hilang.",
        ),
        S.CRYPTO_THEFT: (
            "Saya sambungkan dompet kripto ke laman airdrop dan semua USDT saya hilang.",
            "Suspek mengaku khidmat pelanggan bursa kripto dan suruh saya pindahkan syiling "
            "ke alamat baharu.",
        ),
        S.OTHER: (
            "Seseorang menyamar sebagai anak saya dengan nombor baharu dan minta wang segera.",
        ),
    },
    phone=(
        "Nombor yang menghubungi saya ialah {v}.",
        "Suspek menggunakan nombor {v}.",
        "Saya diminta telefon semula {v}.",
    ),
    url=("Pautan yang dihantar: {v}", "Saya log masuk di laman {v}."),
    email=("E-mel suspek: {v}", "Saya diminta hantar dokumen ke {v}."),
    wallet=("Saya hantar {coin} ke alamat {v}.", "Alamat dompet: {v} ({coin})"),
    account=(
        "Saya pindahkan wang ke akaun {v}.",
        "Akaun penerima: {v}",
        "Suspek beri nombor akaun {v}.",
    ),
    handle=("Kami berhubung melalui {v}.", "Akaun suspek: {v}"),
    loss=("Jumlah kerugian saya {amount}.", "Kerugian: {amount}."),
    no_loss=("Saya belum membuat sebarang bayaran.", "Saya sedar ini penipuan sebelum membayar."),
    closing=(
        "Mohon pihak polis menyiasat dan membekukan akaun suspek.",
        "Saya harap wang saya dapat dikembalikan.",
        "",
    ),
    hotline=(
        "Saya telah menghubungi talian bank {v} untuk menyekat akaun.",
        "Saya semak dengan {v} dan bank kata mereka tidak menghantar mesej itu.",
    ),
    emergency=("Saya terus menghubungi {v}.",),
    platform=("Mula-mula saya nampak iklan di {v}.", "Kami berkenalan di {v}."),
    money={"MYR": "RM{n}", "BND": "B${n}", "SGD": "S${n}", "USDT": "{n} USDT", "USD": "USD {n}"},
    default_money="{cur} {n}",
)
