"""Indonesian: reports to POLRI (Bareskrim, the Patroli Siber portal)."""

from __future__ import annotations

from scamlink.demo.narratives.base import Phrasebook
from scamlink.reports.model import ScamType as S

PHRASEBOOK = Phrasebook(
    code="id",
    stories={
        S.INVESTMENT: (
            "Saya melihat iklan investasi saham di Instagram lalu dimasukkan ke grup oleh seorang "
            "'mentor'. Awalnya bisa tarik keuntungan, tapi setelah setor dana besar tidak "
            "bisa ditarik.",
            "Saya diajak investasi kripto dengan janji profit 5% per hari. Saat mau withdraw "
            "diminta bayar pajak dan biaya verifikasi dulu.",
            "Saya ditawari investasi emas lewat aplikasi oleh kenalan di media sosial.",
        ),
        S.ROMANCE: (
            "Saya kenal pria asing di aplikasi kencan, setiap hari chatting. Dia bilang "
            "mengirim hadiah "
            "dan saya harus bayar bea cukai.",
            "Dia bilang mau menikah dengan saya dan mengajak investasi bersama, lalu "
            "memblokir saya.",
        ),
        S.JOB_TASK: (
            "Saya dapat pesan WhatsApp tawaran kerja paruh waktu like dan subscribe video. "
            "Awalnya dibayar, "
            "lalu disuruh deposit untuk tugas berikutnya dan uang tidak bisa ditarik.",
            "Saya melamar kerja di Kamboja dengan gaji besar, diminta transfer biaya tiket "
            "dan visa dulu. "
            "Saudara saya yang berangkat ke sana sekarang tidak bisa dihubungi.",
            "Saya diminta menyelesaikan tugas rating produk dan harus top up saldo setiap tugas.",
        ),
        S.IMPERSONATION_AUTHORITY: (
            "Ada yang menelepon mengaku polisi, bilang rekening saya dipakai untuk pencucian "
            "uang dan "
            "saya harus memindahkan uang ke rekening pemeriksaan.",
            "Pelaku mengaku petugas Bea Cukai, ada paket berisi barang terlarang atas nama saya.",
            "Pelaku mengaku dari kantor pajak dan mengirim link untuk memperbarui data NPWP.",
        ),
        S.IMPERSONATION_BUSINESS: (
            "Saya menerima pesan dari kurir bahwa paket tertahan, lalu saya membuka file undangan "
            "dan aplikasi asing terpasang. Saldo m-banking saya terkuras.",
            "Pelaku mengaku CS bank dan bilang tarif transfer akan naik, saya diminta mengisi "
            "formulir di link.",
            "Ada pesan bahwa tagihan listrik saya menunggak dan harus dibayar lewat link.",
        ),
        S.LOAN: (
            "Saya pinjam uang di aplikasi pinjol, diminta bayar biaya administrasi dulu tapi "
            "dana tidak cair.",
            "Aplikasi pinjol ilegal menyebarkan data saya dan meneror keluarga dan teman kantor.",
            "Saya ditawari pinjaman cepat tanpa agunan, harus transfer biaya asuransi dulu.",
        ),
        S.SEXTORTION: (
            "Saya diajak video call oleh perempuan lalu direkam, sekarang diancam videonya "
            "disebar kalau "
            "tidak transfer.",
            "Pelaku mengancam menyebarkan foto editan saya ke keluarga.",
        ),
        S.PHISHING: (
            "Saya klik link dari SMS yang mengatasnamakan bank lalu memasukkan user dan PIN, "
            "setelah itu "
            "saldo saya hilang.",
            "Saya menerima email akun diblokir dan memasukkan data kartu kredit di situs tersebut.",
        ),
        S.ECOMMERCE: (
            "Saya beli HP di toko online harga murah, sudah transfer tapi barang tidak dikirim.",
            "Saya pesan tiket konser dari akun Instagram, setelah transfer nomor saya diblokir.",
        ),
        S.CRYPTO_THEFT: (
            "Saya menghubungkan dompet kripto ke situs airdrop dan semua USDT saya terkuras.",
            "Pelaku mengaku customer service exchange dan menyuruh saya memindahkan koin ke "
            "alamat baru.",
        ),
        S.OTHER: (
            "Ada yang mengaku anak saya dengan nomor baru dan minta ditransfer uang untuk "
            "urusan mendesak.",
            "Akun teman saya diretas lalu pelaku meminjam uang atas nama dia.",
        ),
    },
    phone=(
        "Nomor yang menelepon saya {v}.",
        "Pelaku memakai nomor {v}.",
        "Saya disuruh menghubungi {v}.",
    ),
    url=("Link yang dikirim: {v}", "Saya membuka situs {v}.", "Alamat web: {v}"),
    email=("Email pelaku: {v}", "Saya diminta mengirim dokumen ke {v}."),
    wallet=("Saya mengirim {coin} ke alamat {v}.", "Alamat dompet: {v} ({coin})"),
    account=(
        "Saya transfer ke rekening {v}.",
        "Rekening tujuan: {v}",
        "Pelaku memberikan rekening {v}.",
    ),
    handle=("Kami berkomunikasi lewat {v}.", "Akun pelaku: {v}", "Saya disuruh add {v}."),
    loss=(
        "Total kerugian saya {amount}.",
        "Kerugian: {amount}.",
        "Uang yang sudah saya kirim sekitar {amount}.",
    ),
    no_loss=("Saya belum sempat transfer.", "Saya sadar ini penipuan sebelum membayar."),
    closing=(
        "Mohon bantuan agar uang saya kembali.",
        "Mohon rekening pelaku diblokir.",
        "Kemungkinan ada korban lain.",
        "",
    ),
    hotline=(
        "Saya sudah telepon call center bank di {v} untuk blokir rekening.",
        "Saya cek ke {v} dan bank bilang tidak pernah mengirim pesan itu.",
    ),
    emergency=("Saya langsung menelepon {v}.",),
    platform=("Awalnya saya lihat iklan di {v}.", "Kami kenal pertama kali di {v}."),
    money={"IDR": "Rp{n}", "USDT": "{n} USDT", "USD": "USD {n}"},
    default_money="{cur} {n}",
    thousands=".",
    decimal=",",
)
