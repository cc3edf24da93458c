<?php
// The PHP peer of ekyc-callback for scripts/bench: reads the token file START wrote, checks the
// session cookie against it, asks GetWebVerificationResultIntl, and answers 202 while the
// result is pending (200 with the result once it is final).
require __DIR__ . '/tc3.php';

$token = $_GET['token'] ?? '';
if (!preg_match('/^[A-Za-z0-9-]{16,64}$/', $token)) {
    http_response_code(400);
    exit;
}
$record = json_decode((string)@file_get_contents(getenv('EKYC_PEER_TOKENS') . "/$token.json"), true);
if (!is_array($record) || !hash_equals($record['session'], $_COOKIE['ekyc_session'] ?? '')) {
    http_response_code(403);
    exit;
}
$response = tc3_post('GetWebVerificationResultIntl', ['BizToken' => $token]);
header('Content-Type: application/json');
header('Cache-Control: no-store');
if (($response['ErrorCode'] ?? null) === null) {
    http_response_code(202);
    echo json_encode(['status' => 'pending']);
} else {
    echo json_encode(['status' => 'final', 'code' => $response['ErrorCode']]);
}
