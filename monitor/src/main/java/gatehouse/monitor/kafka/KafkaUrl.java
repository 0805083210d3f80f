package gatehouse.monitor.kafka;

import gatehouse.core.Diagnostic;
import gatehouse.core.InputException;
import gatehouse.core.SourceSpan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where a Kafka stream is: {@code kafka://host:port[,host:port…]/topic[?group=NAME][&from=earliest|latest][&dedupe=N]}.
 *
 * <p>One string names the brokers, the topic and, for a consumer, its consumer group, so that {@code --input} and
 * {@code --to} take a Kafka stream the way they take a file. Parsing is strict because a typo here would otherwise
 * surface as a client that silently waits for a broker or a topic that does not exist: every host needs a port,
 * the topic must be a legal Kafka topic name, each query key is known and given once. Credentials never belong in
 * the URL (they would end up in shell history and process listings): a {@code user:password@} part is refused and
 * never echoed.
 *
 * @param brokers bootstrap servers as {@code host:port}, in the order given; at least one
 * @param topic the topic
 * @param group the consumer group, or null (a producer needs none)
 * @param from where a group with no committed offset and no stored state starts reading
 * @param dedupeWindow per partition, how many preceding records an {@code eventID} is looked up in (0: no
 *     {@code eventID} dedupe)
 */
public record KafkaUrl(List<String> brokers, String topic, String group, From from, int dedupeWindow) {
    /** The URL scheme. */
    public static final String SCHEME = "kafka://";
    /** Default {@link #dedupeWindow}: enough for a re-published CloudTrail file, small enough to re-read on a handover. */
    public static final int DEFAULT_DEDUPE_WINDOW = 20_000;
    /** Largest {@link #dedupeWindow}: the window is held in memory (about 150 bytes per record) per partition owned. */
    public static final int MAX_DEDUPE_WINDOW = 1_000_000;

    static final String CODE = "input_url_error";
    private static final String FORMAT = "kafka://HOST:PORT[,HOST:PORT...]/TOPIC?group=NAME[&from=earliest|latest][&dedupe=N]";
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");
    private static final Pattern GROUP = Pattern.compile("[A-Za-z0-9._:-]{1,255}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|\\[[0-9A-Fa-f:.]+]");

    /** Where a consumer group without a stored position starts. */
    public enum From {
        /** The oldest record still in the topic. */
        EARLIEST,
        /** Only records produced after the group first joins. */
        LATEST
    }

    public KafkaUrl {
        brokers = List.copyOf(brokers);
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(from, "from");
        if (brokers.isEmpty()) {
            throw new IllegalArgumentException("at least one broker");
        }
        if (dedupeWindow < 0 || dedupeWindow > MAX_DEDUPE_WINDOW) {
            throw new IllegalArgumentException("dedupe window out of range: " + dedupeWindow);
        }
    }

    /** Whether an input or output argument names a Kafka stream (and so goes to {@link #parse}). */
    public static boolean isKafka(String arg) {
        return arg != null && arg.regionMatches(true, 0, SCHEME, 0, SCHEME.length());
    }

    /**
     * Parses {@code url}, given as the value of option {@code option} (used as the diagnostic's file, the column
     * pointing into the URL).
     *
     * @throws InputException code {@code input_url_error}, with the column of the first problem and a hint
     */
    public static KafkaUrl parse(String url, String option) {
        Objects.requireNonNull(url, "url");
        if (!url.startsWith(SCHEME)) {
            throw error(option, 1, "not a Kafka URL: expected it to start with " + SCHEME);
        }
        int at = url.indexOf('@');
        int slash = url.indexOf('/', SCHEME.length());
        if (at >= 0 && (slash < 0 || at < slash)) {
            // never echo the URL: what precedes '@' is likely a password
            throw new InputException(Diagnostic.of(CODE, SourceSpan.at(option, 1, SCHEME.length() + 1),
                    "credentials are not accepted in a Kafka URL (the URL was not printed)",
                    "give brokers as host:port only"));
        }
        if (slash < 0) {
            throw error(option, url.length() + 1, "missing /TOPIC after the brokers");
        }
        List<String> brokers = new ArrayList<>();
        int pos = SCHEME.length();
        for (String b : url.substring(SCHEME.length(), slash).split(",", -1)) {
            brokers.add(broker(b, option, pos + 1));
            pos += b.length() + 1;
        }
        int q = url.indexOf('?', slash);
        String topic = url.substring(slash + 1, q < 0 ? url.length() : q);
        if (!TOPIC.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
            throw error(option, slash + 2, topic.isEmpty() ? "missing topic name after '/'"
                    : "'" + printable(topic) + "' is not a valid topic name (letters, digits, '.', '_', '-'; at most 249)");
        }
        Map<String, String> params = new LinkedHashMap<>();
        if (q >= 0) {
            int p = q + 1;
            for (String kv : url.substring(q + 1).split("&", -1)) {
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw error(option, p + 1, "'" + printable(kv) + "' is not KEY=VALUE");
                }
                String key = kv.substring(0, eq);
                String value = kv.substring(eq + 1);
                if (!List.of("group", "from", "dedupe").contains(key)) {
                    throw error(option, p + 1, "unknown parameter '" + printable(key) + "' (known: group, from, dedupe)");
                }
                if (params.put(key, value) != null) {
                    throw error(option, p + 1, "parameter '" + key + "' given twice");
                }
                int col = p + eq + 2;
                switch (key) {
                    case "group" -> {
                        if (!GROUP.matcher(value).matches()) {
                            throw error(option, col, "'" + printable(value)
                                    + "' is not a valid group name (letters, digits, '.', '_', ':', '-')");
                        }
                    }
                    case "from" -> {
                        if (!value.equals("earliest") && !value.equals("latest")) {
                            throw error(option, col, "from must be 'earliest' or 'latest', not '" + printable(value) + "'");
                        }
                    }
                    default -> {
                        if (!value.matches("[0-9]{1,7}") || Integer.parseInt(value) > MAX_DEDUPE_WINDOW) {
                            throw error(option, col, "dedupe must be a number of records from 0 to " + MAX_DEDUPE_WINDOW
                                    + ", not '" + printable(value) + "'");
                        }
                    }
                }
                p += kv.length() + 1;
            }
        }
        From from = "latest".equals(params.get("from")) ? From.LATEST : From.EARLIEST;
        int window = params.containsKey("dedupe") ? Integer.parseInt(params.get("dedupe")) : DEFAULT_DEDUPE_WINDOW;
        return new KafkaUrl(brokers, topic, params.get("group"), from, window);
    }

    /**
     * Parses the URL of a stream to consume: a group is required.
     *
     * @throws InputException as {@link #parse}, or when there is no {@code group}
     */
    public static KafkaUrl forConsumer(String url, String option) {
        KafkaUrl k = parse(url, option);
        if (k.group == null) {
            throw new InputException(Diagnostic.of(CODE, SourceSpan.at(option, 1, url.length() + 1),
                    "a Kafka input needs a consumer group: add ?group=NAME",
                    "instances that share a group share the topic's partitions, e.g. " + SCHEME + k.bootstrapServers()
                            + "/" + k.topic + "?group=gatehouse-monitor"));
        }
        return k;
    }

    /**
     * Parses the URL of a topic to publish to: consumer parameters make no sense there and are refused.
     *
     * @throws InputException as {@link #parse}, or when any parameter is given
     */
    public static KafkaUrl forProducer(String url, String option) {
        KafkaUrl k = parse(url, option);
        int q = url.indexOf('?');
        if (q >= 0) {
            throw error(option, q + 1, "a topic to publish to takes no parameters (group, from and dedupe are for consumers)");
        }
        return k;
    }

    /** The bootstrap servers in the client's {@code bootstrap.servers} form. */
    public String bootstrapServers() {
        return String.join(",", brokers);
    }

    /** The URL in its canonical form (no credentials can be in it): safe to print. */
    public String display() {
        StringBuilder sb = new StringBuilder(SCHEME).append(bootstrapServers()).append('/').append(topic);
        String sep = "?";
        if (group != null) {
            sb.append(sep).append("group=").append(group);
            sep = "&";
        }
        if (from != From.EARLIEST) {
            sb.append(sep).append("from=latest");
            sep = "&";
        }
        if (dedupeWindow != DEFAULT_DEDUPE_WINDOW) {
            sb.append(sep).append("dedupe=").append(dedupeWindow);
        }
        return sb.toString();
    }

    private static String broker(String b, String option, int col) {
        if (b.isEmpty()) {
            throw error(option, col, "missing broker HOST:PORT");
        }
        int colon = b.lastIndexOf(':');
        if (colon < 0 || (b.startsWith("[") && colon < b.indexOf(']'))) {
            throw error(option, col, "broker '" + printable(b) + "' has no port (HOST:PORT, e.g. localhost:9092)");
        }
        String host = b.substring(0, colon);
        String port = b.substring(colon + 1);
        if (!HOST.matcher(host).matches()) {
            throw error(option, col, "'" + printable(host) + "' is not a host name or address");
        }
        if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
            throw error(option, col + colon + 1, "'" + printable(port) + "' is not a port (1 to 65535)");
        }
        return b;
    }

    private static InputException error(String option, int column, String message) {
        return new InputException(Diagnostic.of(CODE, SourceSpan.at(option, 1, Math.max(1, column)), message, "expected " + FORMAT));
    }

    /** Control characters would garble a terminal; long values a one-line message. */
    private static String printable(String s) {
        String t = s.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return t.length() <= 80 ? t : t.substring(0, 77) + "...";
    }
}
