"""Tencent's official Python SDK against the sandbox's API over TLS (trusting the demo CA):
the sandbox speaks the real wire protocol, signing included."""

import re

import pytest
from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.faceid.v20180301 import faceid_client, models

BIZ_TOKEN = re.compile(r"^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$")


def client(stack, secret_key=None):
    # The SDK passes its own CA bundle to requests, so REQUESTS_CA_BUNDLE would be ignored;
    # `certification` is its documented way to trust another CA.
    profile = ClientProfile(httpProfile=HttpProfile(endpoint=stack.api_endpoint, certification=stack.ca_file))
    cred = credential.Credential(stack.secret_id, secret_key or stack.secret_key)
    return faceid_client.FaceidClient(cred, "ap-singapore", profile)


def apply(faceid, stack, extra=None):
    request = models.ApplyWebVerificationBizTokenIntlRequest()
    request.RedirectURL = stack.redirect_url
    request.Extra = extra
    config = models.WebVerificationConfigIntl()
    config.CheckMode = 3
    request.Config = config
    return faceid.ApplyWebVerificationBizTokenIntl(request)


def get(faceid, token):
    request = models.GetWebVerificationResultIntlRequest()
    request.BizToken = token
    return faceid.GetWebVerificationResultIntl(request)


def test_apply_then_get_before_and_after_the_user_finishes(stack, browser):
    faceid = client(stack)
    applied = apply(faceid, stack, extra="sdk-test")
    assert BIZ_TOKEN.match(applied.BizToken)
    assert applied.VerificationURL == stack.page_url + "/reflect/?token=" + applied.BizToken
    assert applied.RequestId

    pending = get(faceid, applied.BizToken)
    assert pending.ErrorCode is None
    assert pending.RequestId

    assert browser.get(applied.VerificationURL).status == 200
    finished = browser.post_form(stack.page_url + "/reflect/finish", {"token": applied.BizToken, "outcome": "pass"})
    assert finished.status == 303

    result = get(faceid, applied.BizToken)
    assert result.ErrorCode == 0
    assert result.ErrorMsg
    assert result.Extra == "sdk-test"
    assert len(result.VerificationDetailList) == 1
    assert result.VerificationDetailList[0].ErrorCode == 0


def test_wrong_secret_key_is_a_signature_failure(stack):
    with pytest.raises(TencentCloudSDKException) as raised:
        apply(client(stack, secret_key="x" * len(stack.secret_key)), stack)
    assert raised.value.get_code() == "AuthFailure.SignatureFailure"
    assert raised.value.get_request_id()
