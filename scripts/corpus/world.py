"""The simulated world: time, servers, accounts, names, agents, pages, and the cause ids."""

import calendar

US = 1_000_000
DAY = 86400
WINDOW = 60                                           # seconds written per batch
MAIN_START = calendar.timegm((2026, 11, 20, 0, 0, 0))  # the current logs begin here (UTC)
TOP = 50
CHALLENGE_WINDOW = 5                                  # authlog's default --challenge-window, seconds
CAUSES = ("unknown-user", "password-mismatch", "missing-credentials", "wrong-scheme", "expired-token",
          "invalid-token", "invalid-nonce", "invalid-client", "denied-by-rule", "not-authorized",
          "http-401", "http-403", "login-failed")
FILE_FORMATS = {
    "nginx/access.log": "nginx-access", "nginx/access.log.1": "nginx-access", "nginx/access.log.2.gz": "nginx-access",
    "nginx/error.log": "nginx-error", "nginx/error.log.1": "nginx-error",
    "apache/access.log": "apache-access", "apache/error.log": "apache-error",
    "wordpress/debug.log": "wordpress", "syslog/messages": "syslog",
}
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
WEEKDAYS = "Mon Tue Wed Thu Fri Sat Sun".split()

NGINX_HOST = "example.com"
APACHE_ROOT = "/var/www/html"
MONITOR_IP, MONITOR_USER, MONITOR_PATH = "198.51.100.23", "healthcheck", "/status/health"
SCRAPER_IP = "198.51.100.40"
NGINX_USERS = {"admin", "alice", "bob", "deploy", "ops"}          # /etc/nginx/.htpasswd
STATUS_USERS = {"prometheus", MONITOR_USER}                       # /etc/nginx/.htpasswd-status
APACHE_USERS = {"carol", "dave", "erin", "jsmith", "backup"}       # Apache AuthUserFile
WORDPRESS_USERS = {"editor", "webmaster", "sarah.k", "shopkeeper"}
NGINX_COLLEAGUES = ("alice", "bob", "deploy", "ops")
APACHE_COLLEAGUES = ("carol", "dave", "erin", "jsmith")
WORDPRESS_COLLEAGUES = ("editor", "sarah.k", "shopkeeper")

GUESSED_NAMES = ("admin root test user guest info support webmaster wordpress wpadmin editor demo manager "
                 "sales contact office backup ftp mysql postgres ubuntu pi git jenkins tomcat nagios operator "
                 "sysadmin web www dev staging api service superuser shop billing helpdesk noc security "
                 "admin1 admin123 administrator testuser qwerty user1 siteadmin oracle deploy alice").split()
GIVEN = ("anna ben clara david emil fiona georg hanna ivan julia karl lena max nora oskar paula "
         "quentin rosa stefan tina ulrich vera walter xenia yusuf zoe").split()
FAMILY = "meyer schulz novak rossi garcia kowalski dubois jansen berg lindqvist horvat silva".split()
DOMAINS = ("gmail.com", "outlook.com", "web.de", "example.net", "mail.example")

BROWSERS = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
            "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36")
CRAWLERS = ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
            "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)", "curl/8.5.0",
            "Feedly/1.0 (+http://www.feedly.com/fetcher.html; 12 subscribers)")
ATTACK_AGENTS = ("python-requests/2.31.0", "Mozilla/4.0 (Hydra)", "Go-http-client/1.1", "curl/7.68.0",
                 "WPScan v3.8.27 (https://wpscan.com/wordpress-security-scanner)",
                 "Mozilla/5.0 (Windows NT 6.1; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/78.0.3904.108 Safari/537.36")
SCAN_AGENTS = ("Mozilla/5.0 zgrab/0.x", "Fuzz Faster U Fool v2.1.0-dev", "Mozilla/5.0 (l9scan/2.0.8; +https://leakix.net)",
               "Nuclei - Open-source project (github.com/projectdiscovery/nuclei)")
REFERERS = ("-", "-", "-", "https://www.google.com/", "https://duckduckgo.com/", "https://t.co/")

NGINX_PAGES = ("/", "/blog/", "/about/", "/contact/", "/shop/", "/shop/cart/", "/my-account/", "/feed/",
               "/category/news/", "/tag/linux/", "/page/2/", "/?s=backup+guide", "/?p=4812",
               "/2026/10/sourdough-in-winter/", "/2026/09/hardening-nginx/", "/2025/12/garden-notes/",
               "/2026/11/camera-review/?utm_source=newsletter", "/wp-json/wp/v2/posts?per_page=10")
NGINX_ASSETS = ("/wp-includes/css/dist/block-library/style.min.css?ver=6.7.1", "/wp-includes/js/jquery/jquery.min.js?ver=3.7.1",
                "/wp-content/themes/astra/assets/css/minified/main.min.css?ver=4.8.3", "/favicon.ico",
                "/wp-content/uploads/2026/10/hero-1024x576.jpg", "/wp-content/themes/astra/assets/js/minified/frontend.min.js")
APACHE_PAGES = ("/", "/index.php", "/news.php?id=12", "/news.php?id=408", "/docs/", "/docs/handbook.pdf",
                "/app/dashboard.php", "/app/tickets.php", "/app/calendar.php", "/contact.php", "/about.html")
APACHE_ASSETS = ("/static/css/main.css", "/static/js/app.js?v=3.2.1", "/images/logo.png", "/favicon.ico")
NGINX_SECRETS = ("/.env", "/.git/config", "/.git/HEAD", "/.aws/credentials", "/.htpasswd", "/wp-config.php.bak",
                 "/backup.sql", "/.env.production", "/dump.sql", "/.svn/entries")
NGINX_PROBES = ("/phpmyadmin/", "/actuator/env", "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php",
                "/cgi-bin/luci/;stok=/locale", "/owa/auth/logon.aspx", "/shell.php", "/info.php")
APACHE_SECRETS = ("/.env", "/.git/config", "/.htaccess", "/server-status", "/secret/", "/secret/keys.txt", "/.env.bak")
APACHE_PROBES = ("/phpmyadmin/", "/wp-login.php", "/cgi-bin/test.cgi", "/login.action", "/server-info")
REST_ROUTES = ("/wp/v2/posts", "/wp/v2/users/me", "/wp/v2/media", "/wc/v3/orders", "/wp/v2/posts/1482", "/wp/v2/comments")
JWT_INVALID = ("Signature verification failed", "Wrong number of segments", "Syntax error, malformed JSON")
MINIORANGE = (  # error, HTTP status the plugin sends, description, cause
    ("INVALID_USERNAME", 400, "Username Does not exist.", "unknown-user"),
    ("INVALID_PASSWORD", 400, "Incorrect password.", "password-mismatch"),
    ("MISSING_AUTHORIZATION_HEADER", 401, "Authorization header not received.", "missing-credentials"),
    ("INVALID_AUTHORIZATION_HEADER_TOKEN_TYPE", 401, "Authorization header must be type of Basic Token.", "wrong-scheme"),
    ("INVALID_TOKEN_FORMAT", 401, "Sorry, you are not using correct format to encode string.", "wrong-scheme"),
    ("INVALID_CLIENT_CREDENTIALS", 400, "Invalid client ID or client secret.", "invalid-client"),
)
RESERVED_FIRST_OCTETS = frozenset((0, 6, 10, 100, 127, 169, 172, 192, 198, 203))
V6_PREFIXES = ("2a02:8108", "2a01:cb00", "2600:1700", "2804:14c", "2003:e8")
