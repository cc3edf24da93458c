/// Signing vectors produced by Tencent's official Python SDK (tencentcloud-sdk-python-intl-en
/// 3.1.193, its own signing path with time pinned), copied from the project's shared vector set:
/// the faceid ones, with the headers the SDK put on the wire.
struct TC3Vector: Sendable {
    var id: String
    var secretId: String
    var secretKey: String
    var timestamp: Int64
    var payload: String
    var headers: [String: String]
}

let tc3Vectors: [TC3Vector] = [
    TC3Vector(
        id: "apply-minimal", secretId: "AKIDEXAMPLEekyc0000000000000000000001", secretKey: "EXAMPLEsecretKey0000000000000000", timestamp: 1773563400,
        payload: "{\"RedirectURL\": \"https://merchant.example.com/ekyc/callback\"}",
        headers: [
            "X-TC-TraceId": "00000000-0000-4000-8000-000000000000",
            "Content-Type": "application/json",
            "Host": "faceid.intl.tencentcloudapi.com",
            "X-TC-Action": "ApplyWebVerificationBizTokenIntl",
            "X-TC-RequestClient": "SDK_PYTHON_3.1.193",
            "X-TC-Timestamp": "1773563400",
            "X-TC-Version": "2018-03-01",
            "X-TC-Region": "ap-singapore",
            "X-TC-Language": "en-US",
            "Authorization": "TC3-HMAC-SHA256 Credential=AKIDEXAMPLEekyc0000000000000000000001/2026-03-15/faceid/tc3_request, SignedHeaders=content-type;host, Signature=a6a43e0972aad5383bf4e55a3f37fe5337bb2ee3076b3644f26e0024feea3d09",
        ]),
    TC3Vector(
        id: "apply-full-config", secretId: "AKIDEXAMPLEekyc0000000000000000000001", secretKey: "EXAMPLEsecretKey0000000000000000", timestamp: 1773563401,
        payload: "{\"RedirectURL\": \"https://merchant.example.com/ekyc/callback?session=abc&lang=en\", \"CompareImageBase64\": \"/9j/4PTc8tkOFxVc1Su8z6vaTkCbNpsJlK4o/26jZM253P6C81+L73GAROYJ3gdd\", \"Extra\": \"merchant-order-0001\", \"RuleId\": \"1\", \"Config\": {\"AutoSkipStartPage\": false, \"AutoSkip\": true, \"CheckMode\": 1, \"IDCardType\": \"HKIDCard\", \"DisableCheckOcrWarnings\": false, \"SecurityLevel\": 4, \"SkipPrivacyPolicy\": false, \"IdCardCutReturn\": true, \"ThemeColor\": \"#2d72f1\", \"Language\": \"en\", \"AutoDowngrade\": 1, \"ActionList\": \"blink,mouth\", \"LivenessRetryLimit\": 3, \"LivenessTimeout\": 45, \"SelectedWarningCodes\": \"-9101,-9102\", \"AllowExpiredDocument\": true, \"Version\": \"BASIC\"}}",
        headers: [
            "X-TC-TraceId": "00000000-0000-4000-8000-000000000000",
            "Content-Type": "application/json",
            "Host": "faceid.intl.tencentcloudapi.com",
            "X-TC-Action": "ApplyWebVerificationBizTokenIntl",
            "X-TC-RequestClient": "SDK_PYTHON_3.1.193",
            "X-TC-Timestamp": "1773563401",
            "X-TC-Version": "2018-03-01",
            "X-TC-Region": "ap-singapore",
            "X-TC-Language": "en-US",
            "Authorization": "TC3-HMAC-SHA256 Credential=AKIDEXAMPLEekyc0000000000000000000001/2026-03-15/faceid/tc3_request, SignedHeaders=content-type;host, Signature=b34e0938132ee9e126c4aa8436886ae3700a792af7b5541fef37697f307c735b",
        ]),
    TC3Vector(
        id: "apply-unicode-extra-sdk-escaped", secretId: "AKIDEXAMPLEekyc0000000000000000000001", secretKey: "EXAMPLEsecretKey0000000000000000", timestamp: 1773563402,
        payload: "{\"RedirectURL\": \"https://merchant.example.com/cb\", \"Extra\": \"order=\\u8ba2\\u5355#42; user=\\u5f20\\u4e09; note=\\u6e2c\\u8a66 \\ud83d\\ude00\\ud83d\\udc4d caf\\u00e9\"}",
        headers: [
            "X-TC-TraceId": "00000000-0000-4000-8000-000000000000",
            "Content-Type": "application/json",
            "Host": "faceid.intl.tencentcloudapi.com",
            "X-TC-Action": "ApplyWebVerificationBizTokenIntl",
            "X-TC-RequestClient": "SDK_PYTHON_3.1.193",
            "X-TC-Timestamp": "1773563402",
            "X-TC-Version": "2018-03-01",
            "X-TC-Region": "ap-singapore",
            "X-TC-Language": "en-US",
            "Authorization": "TC3-HMAC-SHA256 Credential=AKIDEXAMPLEekyc0000000000000000000001/2026-03-15/faceid/tc3_request, SignedHeaders=content-type;host, Signature=d4bc55eaf0d02e2f8db38c881875f3f86bedcf16953313045c616e48e6880656",
        ]),
    TC3Vector(
        id: "apply-unicode-extra-raw-utf8", secretId: "AKIDEXAMPLEekyc0000000000000000000001", secretKey: "EXAMPLEsecretKey0000000000000000", timestamp: 1773563402,
        payload: "{\"RedirectURL\":\"https://merchant.example.com/cb\",\"Extra\":\"order=订单#42; user=张三; note=測試 😀👍 café\"}",
        headers: [
            "X-TC-TraceId": "00000000-0000-4000-8000-000000000000",
            "Content-Type": "application/json",
            "Host": "faceid.intl.tencentcloudapi.com",
            "X-TC-Action": "ApplyWebVerificationBizTokenIntl",
            "X-TC-RequestClient": "SDK_PYTHON_3.1.193",
            "X-TC-Timestamp": "1773563402",
            "X-TC-Version": "2018-03-01",
            "X-TC-Region": "ap-singapore",
            "X-TC-Language": "en-US",
            "Authorization": "TC3-HMAC-SHA256 Credential=AKIDEXAMPLEekyc0000000000000000000001/2026-03-15/faceid/tc3_request, SignedHeaders=content-type;host, Signature=edb5c7532c2e8b501689a6684e8b9c8efa22e1305c9b0592d813735b0a8da4f5",
        ]),
    TC3Vector(
        id: "get-result-sdk", secretId: "AKIDEXAMPLEekyc0000000000000000000001", secretKey: "EXAMPLEsecretKey0000000000000000", timestamp: 1773564300,
        payload: "{\"BizToken\": \"81EEF678-28EE-4759-A82E-6CBBBE6BC442\"}",
        headers: [
            "X-TC-TraceId": "00000000-0000-4000-8000-000000000000",
            "Content-Type": "application/json",
            "Host": "faceid.intl.tencentcloudapi.com",
            "X-TC-Action": "GetWebVerificationResultIntl",
            "X-TC-RequestClient": "SDK_PYTHON_3.1.193",
            "X-TC-Timestamp": "1773564300",
            "X-TC-Version": "2018-03-01",
            "X-TC-Region": "ap-singapore",
            "X-TC-Language": "en-US",
            "Authorization": "TC3-HMAC-SHA256 Credential=AKIDEXAMPLEekyc0000000000000000000001/2026-03-15/faceid/tc3_request, SignedHeaders=content-type;host, Signature=94b3e53951227457c5b176d9379e3c58b85a8231d5613199a1dc85840a6f3ad9",
        ]),
    TC3Vector(
        id: "get-result-compact", secretId: "AKIDEXAMPLEekyc0000000000000000000001", secretKey: "EXAMPLEsecretKey0000000000000000", timestamp: 1773564300,
        payload: "{\"BizToken\":\"81EEF678-28EE-4759-A82E-6CBBBE6BC442\"}",
        headers: [
            "X-TC-TraceId": "00000000-0000-4000-8000-000000000000",
            "Content-Type": "application/json",
            "Host": "faceid.intl.tencentcloudapi.com",
            "X-TC-Action": "GetWebVerificationResultIntl",
            "X-TC-RequestClient": "SDK_PYTHON_3.1.193",
            "X-TC-Timestamp": "1773564300",
            "X-TC-Version": "2018-03-01",
            "X-TC-Region": "ap-singapore",
            "X-TC-Language": "en-US",
            "Authorization": "TC3-HMAC-SHA256 Credential=AKIDEXAMPLEekyc0000000000000000000001/2026-03-15/faceid/tc3_request, SignedHeaders=content-type;host, Signature=5bf0bd2500c0357da4c9e84f3296f16e3e1ec488c6ee45bf160eae0dceb13c26",
        ]),
    TC3Vector(
        id: "get-empty-object", secretId: "AKIDEXAMPLEekyc0000000000000000000001", secretKey: "EXAMPLEsecretKey0000000000000000", timestamp: 1773564301,
        payload: "{}",
        headers: [
            "X-TC-TraceId": "00000000-0000-4000-8000-000000000000",
            "Content-Type": "application/json",
            "Host": "faceid.intl.tencentcloudapi.com",
            "X-TC-Action": "GetWebVerificationResultIntl",
            "X-TC-RequestClient": "SDK_PYTHON_3.1.193",
            "X-TC-Timestamp": "1773564301",
            "X-TC-Version": "2018-03-01",
            "X-TC-Region": "ap-singapore",
            "X-TC-Language": "en-US",
            "Authorization": "TC3-HMAC-SHA256 Credential=AKIDEXAMPLEekyc0000000000000000000001/2026-03-15/faceid/tc3_request, SignedHeaders=content-type;host, Signature=fa812ccf537db94ca54b1da85904014fa61215910d5092cb8090ec7da7bd6595",
        ]),
    TC3Vector(
        id: "date-boundary-235959", secretId: "AKIDEXAMPLEekyc0000000000000000000001", secretKey: "EXAMPLEsecretKey0000000000000000", timestamp: 1773619199,
        payload: "{\"BizToken\": \"0AEEA2AE-7166-4EA4-BD82-3494ECF216BD\"}",
        headers: [
            "X-TC-TraceId": "00000000-0000-4000-8000-000000000000",
            "Content-Type": "application/json",
            "Host": "faceid.intl.tencentcloudapi.com",
            "X-TC-Action": "GetWebVerificationResultIntl",
            "X-TC-RequestClient": "SDK_PYTHON_3.1.193",
            "X-TC-Timestamp": "1773619199",
            "X-TC-Version": "2018-03-01",
            "X-TC-Region": "ap-singapore",
            "X-TC-Language": "en-US",
            "Authorization": "TC3-HMAC-SHA256 Credential=AKIDEXAMPLEekyc0000000000000000000001/2026-03-15/faceid/tc3_request, SignedHeaders=content-type;host, Signature=d1157eeb0d959faaaa2f731bc92ba1dcd9e44000bfb13a457eb087d7df6f8b05",
        ]),
    TC3Vector(
        id: "date-boundary-000000", secretId: "AKIDEXAMPLEekyc0000000000000000000001", secretKey: "EXAMPLEsecretKey0000000000000000", timestamp: 1773619200,
        payload: "{\"BizToken\": \"0AEEA2AE-7166-4EA4-BD82-3494ECF216BD\"}",
        headers: [
            "X-TC-TraceId": "00000000-0000-4000-8000-000000000000",
            "Content-Type": "application/json",
            "Host": "faceid.intl.tencentcloudapi.com",
            "X-TC-Action": "GetWebVerificationResultIntl",
            "X-TC-RequestClient": "SDK_PYTHON_3.1.193",
            "X-TC-Timestamp": "1773619200",
            "X-TC-Version": "2018-03-01",
            "X-TC-Region": "ap-singapore",
            "X-TC-Language": "en-US",
            "Authorization": "TC3-HMAC-SHA256 Credential=AKIDEXAMPLEekyc0000000000000000000001/2026-03-16/faceid/tc3_request, SignedHeaders=content-type;host, Signature=691a2f983bcd7e58fd742738789e62d6283e3db0c46f9fe14ff12a093350ce0b",
        ]),
]
