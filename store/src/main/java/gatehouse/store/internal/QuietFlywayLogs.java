package gatehouse.store.internal;

import org.flywaydb.core.api.logging.Log;
import org.flywaydb.core.api.logging.LogCreator;

/**
 * Flyway's logger for the store, named to Flyway by class ({@code loggers(...)}), so it must be public with a public
 * constructor. Flyway's progress lines stay out of Gatehouse's output (a migration's failure reaches the user as an
 * exception); with {@code --debug} they go to stderr.
 */
public final class QuietFlywayLogs implements LogCreator {
    private static final Log LOG = new Log() {
        @Override public void debug(String message) {}
        @Override public void info(String message) { debugLine("info", message); }
        @Override public void warn(String message) { debugLine("warning", message); }
        @Override public void error(String message) { debugLine("error", message); }
        @Override public void error(String message, Exception e) { debugLine("error", message); }
        @Override public void notice(String message) { debugLine("notice", message); }
    };

    @Override
    public Log createLogger(Class<?> clazz) {
        return LOG;
    }

    private static void debugLine(String level, String message) {
        if (Boolean.getBoolean("gatehouse.debug")) {
            System.err.println("flyway " + level + ": " + message);
        }
    }
}
