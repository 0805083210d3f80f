package gatehouse.monitor.cis;

import gatehouse.monitor.run.MonitorConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * The built-in CIS AWS Foundations monitoring pack ({@code --pack cis}): v1.2.0 3.1–3.14 and v3.0.0 4.1–4.15 as
 * metric filters with alarms, plus the seed's console sign-in failure alarm. It ships as
 * {@code gatehouse/monitor/cis/cis-pack.yaml} in the ordinary configuration format, so that users can read it, copy
 * it and change it; docs/alarms.md lists its controls and the choices made where the sources disagree.
 */
public final class CisPack {
    /** The resource holding the pack. */
    public static final String RESOURCE = "gatehouse/monitor/cis/cis-pack.yaml";
    /** The pack's name, as given to {@code --pack}. */
    public static final String NAME = "cis";

    private CisPack() {}

    /** The pack's text, as shipped. */
    public static String text() {
        try (InputStream in = CisPack.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the CIS pack resource " + RESOURCE + " is missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The pack, parsed, allowing the given action types (the pack itself uses only {@code log}). */
    public static MonitorConfig load(Set<String> actionTypes) {
        return MonitorConfig.parse(RESOURCE, text(), actionTypes);
    }
}
