// limit-tls-post: the least a CGI START must do, in C. One new process connects to the API over
// TLS (verifying its certificate against the CA file, as the handler does), sends one POST the
// size of an Apply call and reads the whole answer, then answers a 303 as CGI. No config file,
// no signature, no token store: what is left of a START when everything that is not the API
// call is taken away. Linked like the static handlers (static PIE, Debian's libssl.a and
// libcrypto.a), so that the comparison is of the work, not of the dynamic loader.
//
//   tls-post PORT CA_FILE     (scripts/bench builds and runs it)
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int fail(const char *what) {
    fprintf(stderr, "tls-post: %s\n", what);
    ERR_print_errors_fp(stderr);
    return 1;
}

int main(int argc, char **argv) {
    if (argc != 3) return fail("usage: tls-post PORT CA_FILE");
    int port = atoi(argv[1]);
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx || SSL_CTX_load_verify_locations(ctx, argv[2], NULL) != 1) return fail("cannot load the CA file");
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);

    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&address, sizeof address) != 0) return fail("cannot connect");
    SSL *ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    SSL_set_tlsext_host_name(ssl, "localhost");
    SSL_set1_host(ssl, "localhost");
    if (SSL_connect(ssl) != 1) return fail("TLS handshake failed");

    // The headers and body of an Apply call, a TC3 Authorization of the real length included.
    const char *body = "{\"RedirectURL\":\"https://shop.example.com/verified.html\"}";
    char request[1024];
    int length = snprintf(request, sizeof request,
                          "POST / HTTP/1.1\r\nHost: localhost:%d\r\nContent-Type: application/json\r\n"
                          "X-TC-Action: ApplyWebVerificationBizTokenIntl\r\nX-TC-Version: 2018-03-01\r\n"
                          "X-TC-Timestamp: 1764300000\r\nX-TC-Region: ap-singapore\r\n"
                          "Authorization: TC3-HMAC-SHA256 Credential=AKID/2026-11-28/faceid/tc3_request, "
                          "SignedHeaders=content-type;host, Signature=%064d\r\n"
                          "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                          port, 0, strlen(body), body);
    if (SSL_write(ssl, request, length) != length) return fail("cannot send the request");
    char answer[16384];
    int received = 0, n;
    while ((n = SSL_read(ssl, answer + received, (int)(sizeof answer - 1 - (size_t)received))) > 0) received += n;
    answer[received] = 0;
    if (strncmp(answer, "HTTP/1.1 200", 12) != 0) return fail("the API did not answer 200");

    printf("Status: 303 See Other\r\nLocation: https://example.com/\r\nContent-Length: 0\r\n\r\n");
    return 0;
}
