<?php
// TC3-HMAC-SHA256 signing and one POST to the eKYC API with php-curl, shared by the PHP
// peer's start.php and callback.php (scripts/bench). The environment (fastcgi_param in the
// bench's nginx) names the API host, its CA and the key pair.

function tc3_post(string $action, array $payload): array {
    $id = getenv('EKYC_PEER_SECRET_ID');
    $key = getenv('EKYC_PEER_SECRET_KEY');
    $host = getenv('EKYC_PEER_HOST');
    $body = json_encode($payload, JSON_UNESCAPED_SLASHES);
    $time = time();
    $date = gmdate('Y-m-d', $time);
    $canonical = "POST\n/\n\ncontent-type:application/json\nhost:$host\n\ncontent-type;host\n" . hash('sha256', $body);
    $scope = "$date/faceid/tc3_request";
    $toSign = "TC3-HMAC-SHA256\n$time\n$scope\n" . hash('sha256', $canonical);
    $k = hash_hmac('sha256', $date, 'TC3' . $key, true);
    $k = hash_hmac('sha256', 'faceid', $k, true);
    $k = hash_hmac('sha256', 'tc3_request', $k, true);
    $signature = hash_hmac('sha256', $toSign, $k);
    $curl = curl_init("https://$host/");
    curl_setopt_array($curl, [
        CURLOPT_POST => true,
        CURLOPT_POSTFIELDS => $body,
        CURLOPT_RETURNTRANSFER => true,
        CURLOPT_TIMEOUT => 30,
        CURLOPT_CAINFO => getenv('EKYC_PEER_CA_FILE'),
        CURLOPT_HTTPHEADER => [
            'Content-Type: application/json',
            "X-TC-Action: $action",
            'X-TC-Version: 2018-03-01',
            "X-TC-Timestamp: $time",
            'X-TC-Region: ap-singapore',
            "Authorization: TC3-HMAC-SHA256 Credential=$id/$scope, SignedHeaders=content-type;host, Signature=$signature",
        ],
    ]);
    $answer = curl_exec($curl);
    $status = curl_getinfo($curl, CURLINFO_RESPONSE_CODE);
    curl_close($curl);
    $decoded = is_string($answer) ? json_decode($answer, true) : null;
    if ($status !== 200 || !is_array($decoded) || !isset($decoded['Response']) || isset($decoded['Response']['Error'])) {
        http_response_code(502);
        header('Content-Type: text/plain');
        echo "eKYC API call failed\n";
        exit;
    }
    return $decoded['Response'];
}
