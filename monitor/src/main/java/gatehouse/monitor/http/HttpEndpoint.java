package gatehouse.monitor.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Where the HTTP input listens: {@code http://HOST:PORT/PATH}, e.g. {@code http://127.0.0.1:8514/events}. HOST is an
 * address or a name that resolves locally ({@code localhost}); PORT 0 picks a free port; PATH defaults to {@code /}.
 *
 * @param host the host as written
 * @param address the address to bind
 * @param port the port (0: any free port)
 * @param path the path that accepts events
 */
public record HttpEndpoint(String host, InetAddress address, int port, String path) {
    /** Whether {@code input} is meant as an HTTP endpoint. */
    public static boolean isHttp(String input) {
        return input.toLowerCase(Locale.ROOT).startsWith("http://") || input.toLowerCase(Locale.ROOT).startsWith("https://");
    }

    /**
     * Parses {@code url}.
     *
     * @throws IllegalArgumentException with a message for the user (no scheme but http, no query, bad port, unknown host)
     */
    public static HttpEndpoint parse(String url) {
        URI u;
        try {
            u = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + e.getMessage());
        }
        if ("https".equalsIgnoreCase(u.getScheme())) {
            throw new IllegalArgumentException("https is not served: the endpoint is meant for loopback; put a TLS proxy in front"
                    + " of it for remote senders");
        }
        if (!"http".equalsIgnoreCase(u.getScheme()) || u.getHost() == null) {
            throw new IllegalArgumentException("expected http://HOST:PORT/PATH");
        }
        if (u.getRawQuery() != null || u.getRawFragment() != null || u.getRawUserInfo() != null) {
            throw new IllegalArgumentException("the URL takes no user, query or fragment: http://HOST:PORT/PATH");
        }
        if (u.getPort() < 0) {
            throw new IllegalArgumentException("the URL needs a port, e.g. http://127.0.0.1:8514/events (0 picks a free one)");
        }
        String host = u.getHost();
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress a;
        try {
            a = InetAddress.getByName(bare);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("unknown host " + host);
        }
        String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        return new HttpEndpoint(host, a, u.getPort(), path);
    }

    /** Whether the address is a loopback one (127.0.0.0/8, ::1). */
    public boolean loopback() {
        return address.isLoopbackAddress();
    }

    InetSocketAddress socketAddress() {
        return new InetSocketAddress(address, port);
    }
}
