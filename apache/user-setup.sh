# ekyc-gate in your own web space, as yourself, no root: binaries, config, secret and token store
# in ~/ekyc (yours alone), the two URLs in ~/public_html/ekyc. Run from anywhere:
#   sh user-setup.sh DIR-WITH-THE-BUILT-BINARIES THIS-REPOSITORY
bin=$1
repo=$2
umask 077
mkdir -p ~/ekyc/bin ~/ekyc/tokens
cp "$bin/ekyc-start" "$bin/ekyc-callback" ~/ekyc/bin/
[ -e ~/ekyc/secret.conf ] || printf 'secret_id = \nsecret_key = \n' > ~/ekyc/secret.conf
[ -e ~/ekyc/ekyc.conf ] || cat > ~/ekyc/ekyc.conf <<CONF
secret_file = $HOME/ekyc/secret.conf
store = file:$HOME/ekyc/tokens
# redirect_url = https://www.example.com/~$USER/verified.html   (your result page; required)
CONF
umask 022
mkdir -p ~/public_html/ekyc
cp "$repo/apache/public_html/ekyc/.htaccess" ~/public_html/ekyc/.htaccess
for name in start callback; do
    sed "s|/home/alice|$HOME|g" "$repo/apache/public_html/ekyc/$name" > ~/public_html/ekyc/$name
    chmod 755 ~/public_html/ekyc/$name
done
# Apache (www-data) must reach ~/public_html, never ~/ekyc.
chmod 711 ~
chmod 755 ~/public_html ~/public_html/ekyc
