"""Chinese (Simplified): reports to the Singapore Police Force."""

from __future__ import annotations

from scamlink.demo.narratives.base import Phrasebook
from scamlink.reports.model import ScamType as S

PHRASEBOOK = Phrasebook(
    code="zh",
    stories={
        S.INVESTMENT: (
            "我在脸书上看到投资广告，被拉进一个炒股群，所谓的老师让我在他们的平台开户。刚开始"
            "能提现，"
            "后来投入大笔资金后就无法提现了。",
            "对方说提现前必须先缴纳20%的税费和保证金，我交了之后账户还是被冻结。",
        ),
        S.ROMANCE: (
            "我在交友软件上认识一名男子，聊了几个月，他带我一起投资虚拟货币，说是为了我们的将来。",
            "对方说给我寄了礼物，需要我先付清关费。",
        ),
        S.JOB_TASK: (
            "我收到兼职信息，点赞视频就有佣金。开始确实给了钱，后来要先充值做任务，钱就取不出"
            "来了。",
            "我应聘海外高薪客服工作，对方让我先付机票和签证费。",
        ),
        S.IMPERSONATION_AUTHORITY: (
            "一名自称中国公安的人打电话说我涉嫌洗钱，要求我把存款转到安全账户配合调查。",
            "对方冒充警察视频通话，出示逮捕令，让我下载一个软件。",
        ),
        S.IMPERSONATION_BUSINESS: (
            "我收到短信说包裹无法派送，点链接支付了运费，之后信用卡被多次扣款。",
            "有人冒充银行客服，要我提供一次性密码来取消交易。",
        ),
        S.LOAN: ("我在网上申请贷款，对方要求先交手续费和保险费，交了之后还是没有放款。",),
        S.SEXTORTION: ("一名女子和我视频聊天后录下视频，威胁不付钱就发给我的朋友。",),
        S.PHISHING: (
            "我点击了冒充银行的短信链接并输入了账号密码，随后账户里的钱被转走。",
            "收到邮件说账户将被冻结，我在网页上填写了信用卡资料。",
        ),
        S.ECOMMERCE: (
            "我在网上商店低价买手机，付款后一直没有收到货。",
            "我通过网上卖家买演唱会门票，付款后被拉黑。",
        ),
        S.CRYPTO_THEFT: ("我把钱包连接到一个空投网站后，钱包里的USDT全部被转走。",),
        S.OTHER: ("有人冒充我儿子用新号码联系我，说急需用钱。",),
    },
    phone=("打给我的号码是{v}。", "骗子使用的号码：{v}", "对方让我回拨{v}。"),
    url=("对方发来的链接：{v}", "我登录了网站 {v} 。"),
    email=("对方邮箱：{v}", "让我把资料发到{v}。"),
    wallet=("我把{coin}转到了地址{v}。", "钱包地址：{v}（{coin}）"),
    account=("我转账到{v}。", "收款账户：{v}"),
    handle=("我们通过{v}联系。", "对方账号：{v}"),
    loss=("总共损失{amount}。", "损失金额：{amount}。"),
    no_loss=("我还没有转账。",),
    closing=("请警方帮我追回损失。", "请冻结对方账户。", ""),
    hotline=("我已致电银行热线{v}冻结账户。",),
    emergency=("我马上拨打了{v}。",),
    platform=("最早是在{v}上看到广告。", "我们在{v}上认识。"),
    money={"SGD": "{n}新元", "MYR": "{n}令吉", "USDT": "{n} USDT", "USD": "{n}美元"},
    myriad="万",
    gap="",
)
