"""Vietnamese: reports to the Ministry of Public Security (Bộ Công an)."""

from __future__ import annotations

from scamlink.demo.narratives.base import Phrasebook
from scamlink.reports.model import ScamType as S

PHRASEBOOK = Phrasebook(
    code="vi",
    stories={
        S.INVESTMENT: (
            "Tôi thấy quảng cáo trên Facebook về nhóm đầu tư chứng khoán, được một người tự "
            "xưng là "
            "chuyên gia hướng dẫn nạp tiền vào sàn giao dịch. Lúc đầu rút được lãi, sau đó "
            "không rút được nữa.",
            "Tôi được mời tham gia đầu tư tiền ảo với lợi nhuận 30% mỗi tháng. Khi muốn rút "
            "tiền thì bị yêu cầu nộp thêm phí xác minh và thuế.",
            "Một người quen trên mạng rủ tôi đầu tư vàng qua ứng dụng, nói chắc chắn có lãi.",
        ),
        S.ROMANCE: (
            "Tôi quen một người đàn ông nước ngoài qua ứng dụng hẹn hò, nói chuyện hằng ngày. "
            "Anh ta "
            "nói gửi quà về Việt Nam và tôi phải đóng phí hải quan.",
            "Chị ấy nói muốn cưới tôi và rủ cùng đầu tư để lo cho tương lai, sau đó chặn liên lạc.",
        ),
        S.JOB_TASK: (
            "Tôi nhận được tin nhắn tuyển cộng tác viên làm nhiệm vụ online, lúc đầu được trả "
            "hoa hồng, "
            "sau đó phải nạp tiền để hoàn thành nhiệm vụ và không rút được.",
            "Tôi ứng tuyển việc nhẹ lương cao ở Campuchia, họ bảo chuyển tiền vé máy bay và làm hộ "
            "chiếu trước. Em họ tôi sang đó đã mất liên lạc.",
            "Tôi làm nhiệm vụ đánh giá sản phẩm trên sàn thương mại điện tử, phải ứng tiền "
            "mua hàng trước.",
        ),
        S.IMPERSONATION_AUTHORITY: (
            "Có người gọi điện tự xưng là cán bộ công an, nói tôi liên quan đến đường dây rửa "
            "tiền và "
            "yêu cầu chuyển tiền vào tài khoản để xác minh.",
            "Đối tượng giả danh viện kiểm sát gọi video, cho xem lệnh bắt và bảo tôi cài ứng dụng "
            "dịch vụ công giả.",
            "Họ tự xưng là cán bộ thuế, bảo tôi bấm vào đường link để cập nhật thông tin định "
            "danh điện tử.",
        ),
        S.IMPERSONATION_BUSINESS: (
            "Tôi nhận tin nhắn báo bưu phẩm giao không thành công và bấm link thanh toán phí, "
            "sau đó "
            "thẻ bị trừ tiền nhiều lần.",
            "Đối tượng giả danh nhân viên điện lực nói nợ tiền điện và sẽ cắt điện nếu không "
            "thanh toán ngay.",
            "Tin nhắn giả mạo ngân hàng yêu cầu nâng cấp tài khoản, tôi đã nhập mật khẩu và "
            "mã OTP.",
        ),
        S.LOAN: (
            "Tôi vay tiền qua ứng dụng online, họ bắt đóng phí bảo hiểm khoản vay trước khi "
            "giải ngân, "
            "đóng rồi vẫn không nhận được tiền.",
            "Ứng dụng cho vay lấy danh bạ điện thoại và nhắn tin đe dọa người thân của tôi.",
        ),
        S.SEXTORTION: (
            "Một cô gái rủ gọi video rồi ghi lại, sau đó đe dọa gửi clip cho bạn bè nếu tôi "
            "không chuyển tiền.",
            "Tôi nhận được tin nhắn nói có video nhạy cảm của tôi và đòi tiền.",
        ),
        S.PHISHING: (
            "Tôi bấm vào đường link trong tin nhắn ngân hàng giả mạo và nhập tài khoản, sau "
            "đó tiền bị chuyển đi hết.",
            "Nhận email báo tài khoản bị khóa, tôi nhập mật khẩu và thông tin thẻ vào trang web.",
        ),
        S.ECOMMERCE: (
            "Tôi đặt mua điện thoại trên trang bán hàng online giá rẻ, chuyển khoản rồi nhưng "
            "không nhận được hàng.",
            "Đặt phòng khách sạn qua fanpage giả, chuyển tiền cọc xong thì bị chặn.",
        ),
        S.CRYPTO_THEFT: (
            "Tôi kết nối ví với trang airdrop và toàn bộ USDT trong ví bị rút mất.",
            "Người tự xưng là hỗ trợ của sàn bảo tôi chuyển coin sang ví mới để bảo mật.",
        ),
        S.OTHER: (
            "Có người giả làm con trai tôi nhắn tin mượn tiền gấp.",
            "Đối tượng hack Facebook của bạn tôi rồi nhắn tin vay tiền.",
        ),
    },
    phone=(
        "Số điện thoại gọi cho tôi là {v}.",
        "Đối tượng dùng số {v}.",
        "Họ bảo gọi lại số {v}.",
    ),
    url=("Đường link: {v}", "Tôi đã truy cập trang {v}.", "Trang web họ gửi là {v}"),
    email=("Email liên hệ: {v}", "Họ bảo gửi giấy tờ qua {v}."),
    wallet=("Tôi chuyển {coin} vào ví {v}.", "Địa chỉ ví: {v} ({coin})"),
    account=(
        "Tôi đã chuyển khoản vào {v}.",
        "Tài khoản nhận tiền: {v}",
        "Họ đưa số tài khoản {v}.",
    ),
    handle=("Liên lạc qua {v}.", "Nick của đối tượng: {v}", "Họ bảo kết bạn {v}."),
    loss=(
        "Tổng số tiền bị lừa là {amount}.",
        "Tôi đã chuyển tổng cộng {amount}.",
        "Thiệt hại: {amount}.",
    ),
    no_loss=("Tôi chưa chuyển tiền.", "Tôi phát hiện lừa đảo kịp thời nên chưa mất tiền."),
    closing=(
        "Đề nghị cơ quan công an điều tra, giúp tôi lấy lại tiền.",
        "Đề nghị phong tỏa tài khoản của đối tượng.",
        "Có thể còn nhiều người khác bị lừa.",
        "",
    ),
    hotline=(
        "Tôi đã gọi tổng đài ngân hàng {v} để khóa tài khoản.",
        "Gọi {v} thì ngân hàng nói không gửi tin nhắn đó.",
    ),
    emergency=("Tôi đã gọi {v} ngay.",),
    platform=("Ban đầu tôi thấy quảng cáo trên {v}.", "Chúng tôi quen nhau trên {v}."),
    money={"VND": "{n} đồng", "USDT": "{n} USDT", "USD": "{n} USD", "KRW": "{n} won"},
    thousands=".",
    decimal=",",
)
