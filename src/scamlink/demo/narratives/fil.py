"""Filipino: reports to the PNP Anti-Cybercrime Group (often Taglish)."""

from __future__ import annotations

from scamlink.demo.narratives.base import Phrasebook
from scamlink.reports.model import ScamType as S

PHRASEBOOK = Phrasebook(
    code="fil",
    stories={
        S.INVESTMENT: (
            "Nakita ko ang ad sa Facebook tungkol sa crypto trading at sumali ako sa group. "
            "Noong una "
            "nakaka-withdraw ako ng kita, pero nang malaki na ang deposit ko hindi na ako "
            "makapag-withdraw.",
            "Inalok ako ng isang kakilala online na mag-invest sa gold trading app. "
            "Pinagbabayad ako "
            "ng tax at fee bago raw ma-release ang pera ko.",
        ),
        S.ROMANCE: (
            "Nakilala ko siya sa dating app at araw-araw kaming nag-uusap. Sabi niya may "
            "padala siyang "
            "regalo at kailangan kong magbayad ng customs fee.",
            "Nangako siyang pakakasalan ako at niyaya akong mag-invest para sa future namin, tapos "
            "bigla niya akong binlock.",
        ),
        S.JOB_TASK: (
            "May nag-text sa akin ng part-time job na mag-like ng videos kapalit ng "
            "commission. Noong "
            "una binayaran ako, tapos pinag-deposit na ako para sa mga 'task' at hindi ko na "
            "ma-withdraw.",
            "Nag-apply ako ng trabaho abroad bilang customer service na malaki ang sahod. "
            "Pinagbayad ako "
            "ng ticket at visa. Ang pinsan kong umalis papunta doon ay hindi na makontak.",
        ),
        S.IMPERSONATION_AUTHORITY: (
            "May tumawag na nagpakilalang pulis at sinabing ginamit ang bank account ko sa money "
            "laundering. Pinalipat niya ang pera ko sa isang 'safe account'.",
            "Nagpakilala silang taga-NBI at may kaso raw ako. Nag-video call pa sila na "
            "naka-uniporme.",
        ),
        S.IMPERSONATION_BUSINESS: (
            "Nakatanggap ako ng text na hindi ma-deliver ang parcel ko at pinindot ko ang "
            "link para "
            "magbayad ng delivery fee. Pagkatapos may mga charge na sa card ko.",
            "May tumawag na taga-bangko raw at hiningi ang OTP para ma-cancel ang transaction.",
        ),
        S.LOAN: (
            "Nag-apply ako ng online loan at pinagbayad ako ng processing fee pero hindi "
            "dumating ang pera.",
            "Kinuha ng lending app ang contacts ko at tinatakot ang pamilya at mga katrabaho ko.",
        ),
        S.SEXTORTION: (
            "Niyaya ako ng babae mag-video call at ni-record niya. Ngayon tinatakot niya "
            "akong ikakalat "
            "ang video kapag hindi ako nagbayad.",
        ),
        S.PHISHING: (
            "Na-click ko ang link sa text na galing daw sa bangko at nilagay ko ang username "
            "at password "
            "ko. Nawala ang laman ng account ko.",
            "Nakatanggap ako ng email na ma-la-lock ang account ko kaya inilagay ko ang card "
            "details ko.",
        ),
        S.ECOMMERCE: (
            "Bumili ako ng cellphone sa online seller na mura. Nagbayad na ako pero hindi "
            "dumating ang item.",
            "Nagbayad ako ng reservation para sa concert ticket pero binlock ako ng seller.",
        ),
        S.CRYPTO_THEFT: (
            "Kinonekta ko ang wallet ko sa airdrop site at naubos ang USDT ko.",
            "May nagpakilalang support ng exchange at pinalipat ang coins ko sa bagong address.",
        ),
        S.OTHER: ("May nagpanggap na anak ko gamit ang bagong number at humingi ng pera.",),
    },
    phone=(
        "Ang number na tumawag sa akin ay {v}.",
        "Gamit ng scammer ang number na {v}.",
        "Pinatawag niya ako sa {v}.",
    ),
    url=("Ang link na pinadala: {v}", "Nag-log in ako sa {v}."),
    email=("Email ng scammer: {v}", "Pinapadala ang documents sa {v}."),
    wallet=("Nagpadala ako ng {coin} sa {v}.", "Wallet address: {v} ({coin})"),
    account=(
        "Nag-transfer ako sa account na {v}.",
        "Account ng pinadalhan: {v}",
        "Binigay nila ang account {v}.",
    ),
    handle=("Nag-usap kami sa {v}.", "Account ng scammer: {v}"),
    loss=("Kabuuang nawala sa akin: {amount}.", "Nakapagpadala na ako ng mga {amount}."),
    no_loss=("Hindi pa ako nakapagbayad.", "Napansin kong scam bago ako magbayad."),
    closing=(
        "Sana po matulungan ninyo akong mabawi ang pera ko.",
        "Pakiimbestigahan po at i-freeze ang account.",
        "",
    ),
    hotline=(
        "Tinawagan ko ang bangko sa {v} para i-block ang account.",
        "Nag-check ako sa {v} at sabi ng bangko hindi sila ang nag-text.",
    ),
    emergency=("Tumawag agad ako sa {v}.",),
    platform=("Nagsimula ito sa ad sa {v}.", "Nakilala ko siya sa {v}."),
    money={"PHP": "₱{n}", "USDT": "{n} USDT", "USD": "USD {n}"},
    default_money="{cur} {n}",
)
