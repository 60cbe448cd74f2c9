"""English: reports to the Singapore, Malaysian, Philippine and Brunei police."""

from __future__ import annotations

from scamlink.demo.narratives.base import Phrasebook
from scamlink.reports.model import ScamType as S

PHRASEBOOK = Phrasebook(
    code="en",
    stories={
        S.INVESTMENT: (
            "I saw an ad on Facebook about a trading mentor and joined his group. He told me "
            "to open "
            "an account on their crypto platform and at first I could see profits every day.",
            "A lady I met online showed me her gains from gold trading and taught me to "
            "invest. When "
            "I tried to withdraw they said I must first pay a 20% tax and a verification fee.",
            "I was added to a stock tips chat group. The 'analyst' asked me to top up my account "
            "several times for an IPO allocation; then the account was frozen.",
        ),
        S.ROMANCE: (
            "I met a man on a dating app who said he was an engineer working offshore. After two "
            "months he asked me to help pay customs for a parcel he sent me.",
            "We chatted every day for weeks and she said she wanted to marry me. Then her mother "
            "was in hospital and she needed money urgently.",
            "I befriended a foreigner on Instagram who later convinced me to invest together on a "
            "crypto app 'for our future'.",
        ),
        S.JOB_TASK: (
            "I got a WhatsApp message offering a part-time job liking videos for commission. After "
            "small payouts they said I had to prepay for 'merchant tasks' to unlock my earnings.",
            "I applied for a customer service job abroad with high salary. They asked me to "
            "pay for "
            "the air ticket and visa first. My cousin who went there cannot be contacted now.",
            "I was told to complete product-rating tasks on a shopping website and to deposit "
            "money "
            "to reset negative balances. I could not withdraw anything.",
        ),
        S.IMPERSONATION_AUTHORITY: (
            "A caller said he was from the police and that my bank account was used for money "
            "laundering. I was transferred to an 'officer' who told me to move my savings to a "
            "safe account for investigation.",
            "I received a call claiming to be from the customs office about a parcel with illegal "
            "items under my name, then a video call with a man in uniform showing an arrest "
            "warrant.",
            "The caller said he was from the central bank and my identity was used to open "
            "accounts. "
            "He sent a link to a website that looked like the official site.",
        ),
        S.IMPERSONATION_BUSINESS: (
            "I received an SMS that my parcel could not be delivered and I clicked the link to pay "
            "a small redelivery fee. Later many card transactions appeared.",
            "Someone called pretending to be from my bank's fraud team and asked me to confirm the "
            "OTP to stop a suspicious transaction.",
            "I got a message that my mobile plan was overdue and would be cut off. The page asked "
            "for my online banking login.",
        ),
        S.LOAN: (
            "I applied for a fast loan online. They approved it but asked for a processing fee and "
            "insurance before releasing the money. After I paid they asked for more.",
            "The loan app took all my contacts. Now they send threatening messages to my "
            "family and "
            "friends even though I already paid.",
        ),
        S.SEXTORTION: (
            "A woman I met online asked for a video call. Afterwards she sent me a recording and "
            "threatened to send it to my friends unless I paid.",
            "I received an email saying they hacked my camera and have videos of me. They demand "
            "payment in Bitcoin.",
        ),
        S.PHISHING: (
            "I clicked a link in an SMS about my bank account being suspended and entered my login "
            "details. Money was then transferred out of my account.",
            "I got an email that my account would be locked and I entered my password and card "
            "details on the page.",
            "An SMS said I had unpaid toll charges. I paid on the website and then unauthorised "
            "transactions were made with my card.",
        ),
        S.ECOMMERCE: (
            "I bought concert tickets from a seller on Carousell. After I paid the seller "
            "blocked me.",
            "I ordered a phone from an online shop with a big discount. The parcel never arrived "
            "and the shop is now offline.",
            "I paid a deposit for a rental room advertised online and the 'agent' stopped "
            "responding.",
        ),
        S.CRYPTO_THEFT: (
            "I connected my wallet to an airdrop website and all my USDT was drained.",
            "A person claiming to be exchange support told me my wallet was compromised and I must "
            "move my coins to a new address.",
        ),
        S.OTHER: (
            "I received a message from someone pretending to be my son with a new number, "
            "asking for "
            "money for an urgent bill.",
            "Someone pretending to be my friend asked to borrow money urgently through a new "
            "account.",
        ),
    },
    phone=(
        "The number that called me was {v}.",
        "They kept calling from {v}.",
        "Scammer's number: {v}",
        "He told me to call back on {v}.",
    ),
    url=(
        "The link was {v}",
        "I logged in on {v}.",
        "Website: {v}",
    ),
    email=(
        "They asked me to send documents to {v}.",
        "The email came from {v}.",
    ),
    wallet=(
        "I sent {coin} to {v}.",
        "Wallet address given: {v} ({coin})",
        "Transferred {coin} to the address {v}",
    ),
    account=(
        "I transferred the money to {v}.",
        "Beneficiary account: {v}",
        "They gave me the account {v} to pay into.",
    ),
    handle=(
        "We talked on {v}.",
        "Their contact: {v}",
        "He asked me to add him at {v}.",
    ),
    loss=(
        "In total I lost {amount}.",
        "Total loss: {amount}.",
        "I have transferred about {amount} so far.",
    ),
    no_loss=(
        "I did not transfer any money.",
        "I realised it was a scam before paying.",
    ),
    closing=(
        "Please help me get my money back.",
        "Please investigate and freeze the account.",
        "I think there are other victims.",
        "",
    ),
    hotline=(
        "I called my bank at {v} and they said it was not them.",
        "I called the bank hotline {v} to block my card.",
    ),
    emergency=("I called {v} right away.",),
    platform=("It started with an ad on {v}.", "I first saw it on {v}."),
    money={"USD": "USD {n}", "USDT": "{n} USDT", "SGD": "S${n}", "MYR": "RM{n}", "PHP": "PHP {n}"},
    default_money="{cur} {n}",
)
