"""Every API error the sandbox emulates, as Tencent's official Python SDK sees it: each call
raises TencentCloudSDKException with Tencent's code and a RequestId."""

import base64
import time

from tencentcloud.common import abstract_client, credential
from tencentcloud.faceid.v20180301 import faceid_client, models

from images import JPEG
from sandbox import age
from tencent_sdk import apply, apply_request, client, get, raises


def test_unknown_secret_id(stack):
    faceid = faceid_client.FaceidClient(credential.Credential("AKIDnobody0000000000000000000000000", stack.secret_key),
                                        "ap-singapore", client(stack).profile)
    raises("AuthFailure.SecretIdNotFound", lambda: apply(faceid, stack))


def test_clock_skew_over_five_minutes(stack, monkeypatch):
    real = time.time
    monkeypatch.setattr(abstract_client.time, "time", lambda: real() - 301)
    raises("AuthFailure.SignatureExpire", lambda: apply(client(stack), stack))


def test_malformed_authorization(stack, monkeypatch):
    build = abstract_client.AbstractClient._build_req_with_tc3_signature

    def broken(self, action, params, req, options=None):
        build(self, action, params, req, options)
        req.header["Authorization"] = "TC3-HMAC-SHA256 Credential=, Signature"

    monkeypatch.setattr(abstract_client.AbstractClient, "_build_req_with_tc3_signature", broken)
    raises("AuthFailure.InvalidAuthorization", lambda: apply(client(stack), stack))


def test_unknown_action(stack):
    raises("InvalidAction", lambda: client(stack).call_json("DescribeNothingIntl", {}))


def test_unknown_version(stack):
    faceid = client(stack)
    faceid._apiVersion = "2017-01-01"
    raises("NoSuchVersion", lambda: apply(faceid, stack))


def test_redirect_url_must_be_absolute(stack):
    request = apply_request(stack, RedirectURL="/verified.html")
    raises("InvalidParameterValue", lambda: client(stack).ApplyWebVerificationBizTokenIntl(request))


def test_extra_over_1000_characters(stack):
    request = apply_request(stack, Extra="x" * 1001)
    raises("InvalidParameterValue", lambda: client(stack).ApplyWebVerificationBizTokenIntl(request))


def test_config_value_outside_the_documented_set(stack):
    config = models.WebVerificationConfigIntl()
    config.Language = "fr"
    request = apply_request(stack, Config=config)
    raises("InvalidParameterValue", lambda: client(stack).ApplyWebVerificationBizTokenIntl(request))


def test_image_that_is_not_jpeg_or_png(stack):
    request = apply_request(stack, CompareImageBase64=base64.b64encode(b"GIF89a not a photo").decode())
    raises("FailedOperation.ImageDecodeFailed", lambda: client(stack).ApplyWebVerificationBizTokenIntl(request))


def test_image_over_8_mb_of_base64(stack):
    request = apply_request(stack, CompareImageBase64=base64.b64encode(JPEG + b"\0" * (6 * 1024 * 1024 + 100)).decode())
    raises("FailedOperation.ImageSizeTooLarge", lambda: client(stack).ApplyWebVerificationBizTokenIntl(request))


def test_a_real_jpeg_is_accepted(stack):
    request = apply_request(stack, CompareImageBase64=base64.b64encode(JPEG).decode())
    assert client(stack).ApplyWebVerificationBizTokenIntl(request).BizToken


def test_missing_parameter(stack):
    raises("MissingParameter", lambda: client(stack).call_json("GetWebVerificationResultIntl", {}))
    raises("MissingParameter", lambda: client(stack).call_json("ApplyWebVerificationBizTokenIntl", {"Config": {"CheckMode": 3}}))


def test_unknown_parameter(stack):
    raises("UnknownParameter", lambda: client(stack).call_json("GetWebVerificationResultIntl", {"BizToken": "x", "Token": "y"}))
    raises("UnknownParameter", lambda: client(stack).call_json(
        "ApplyWebVerificationBizTokenIntl", {"RedirectURL": stack.redirect_url, "Config": {"CheckMode": 3, "Checkmode": 3}}))


def test_comparison_without_a_photo_is_refused(stack):
    """CheckMode 2, Tencent's default, has nothing to compare with: the sandbox refuses it."""
    raised = raises("InvalidParameterValue", lambda: client(stack).ApplyWebVerificationBizTokenIntl(apply_request(stack)))
    assert "CompareImageBase64" in raised.get_message()


def test_unknown_biz_token(stack):
    raises("InvalidParameterValue.BizTokenIllegal", lambda: get(client(stack), "00000000-0000-4000-8000-000000000000"))


def test_results_expire_after_three_days(stack):
    faceid = client(stack)
    token = apply(faceid, stack).BizToken
    age(stack, token, 3 * 86_400 + 1)
    raises("InvalidParameterValue.BizTokenExpired", lambda: get(faceid, token))


def test_rate_limit(stack):
    request = apply_request(stack)
    request.headers = {"X-Sandbox-Fault": "ratelimit"}
    raises("RequestLimitExceeded", lambda: client(stack).ApplyWebVerificationBizTokenIntl(request))


def test_internal_error(stack):
    request = apply_request(stack)
    request.headers = {"X-Sandbox-Fault": "internal"}
    raises("InternalError", lambda: client(stack).ApplyWebVerificationBizTokenIntl(request))


def test_token_not_started_within_ten_minutes_ends_with_code_15(stack):
    faceid = client(stack)
    token = apply(faceid, stack).BizToken
    age(stack, token, 601)
    result = get(faceid, token)
    assert result.ErrorCode == 15


def test_retry_limit_ends_with_code_16(stack, browser):
    config = models.WebVerificationConfigIntl()
    config.CheckMode = 3
    config.LivenessRetryLimit = 2
    faceid = client(stack)
    token = faceid.ApplyWebVerificationBizTokenIntl(apply_request(stack, Config=config)).BizToken
    page = stack.page_url + "/reflect/finish"
    assert browser.post_form(page, {"token": token, "outcome": "liveness", "retry": "yes"}).status in (200, 303)
    assert browser.post_form(page, {"token": token, "outcome": "liveness", "retry": "yes"}).status in (200, 303)
    result = get(faceid, token)
    assert result.ErrorCode == 16
    assert len(result.VerificationDetailList) == 2


def test_finishing_twice_is_code_14(stack, browser):
    faceid = client(stack)
    token = apply(faceid, stack).BizToken
    page = stack.page_url + "/reflect/finish"
    assert browser.post_form(page, {"token": token, "outcome": "pass"}).status == 303
    again = browser.post_form(page, {"token": token, "outcome": "liveness"})
    assert again.status == 410 and b"14" in again.body
    assert get(faceid, token).ErrorCode == 0
