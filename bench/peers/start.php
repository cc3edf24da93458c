<?php
// The PHP peer of ekyc-start for scripts/bench, written as a merchant would with php-curl: one
// TC3-signed ApplyWebVerificationBizTokenIntl, the BizToken kept in a file of its own
// (file_put_contents, no fsync), a session cookie, a 303 to Tencent's page.
require __DIR__ . '/tc3.php';

$response = tc3_post('ApplyWebVerificationBizTokenIntl', ['RedirectURL' => 'https://shop.example.com/verified.html']);
$token = $response['BizToken'] ?? '';
if (!preg_match('/^[A-Za-z0-9-]{16,64}$/', $token)) {
    http_response_code(502);
    exit;
}
$session = bin2hex(random_bytes(16));
file_put_contents(getenv('EKYC_PEER_TOKENS') . "/$token.json",
    json_encode(['session' => $session, 'created' => time(), 'status' => 'pending']));
setcookie('ekyc_session', $session, ['path' => '/ekyc/', 'httponly' => true, 'samesite' => 'Lax']);
header('Location: ' . $response['VerificationURL'], true, 303);
