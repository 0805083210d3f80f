package gatehouse.monitor.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gatehouse.core.doc.MapValue;
import gatehouse.monitor.alarm.AlarmListener;
import gatehouse.monitor.alarm.Datapoint;
import gatehouse.monitor.alarm.Transition;
import java.io.PrintStream;
import java.util.Objects;
import java.util.Set;

/**
 * The built-in {@code log} action: prints each transition, one line of text
 * ({@code <time>  <alarm>  <old> -> <new>  <reason>}) or one JSON object per line
 * ({@code {"type":"transition", ...}}, the JSON lines format of docs/alarms.md). Takes no options.
 */
public final class LogAction implements AlarmListener {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final PrintStream out;
    private final boolean json;

    public LogAction(PrintStream out, boolean json) {
        this.out = Objects.requireNonNull(out, "out");
        this.json = json;
    }

    /** A factory printing to {@code out}; rejects options it does not know. */
    public static ActionFactory factory(PrintStream out, boolean json) {
        return spec -> {
            if (spec.entry() instanceof MapValue m) {
                new gatehouse.core.doc.ConfigReader(spec.file(), "docs/alarms.md").keys(m, Set.of("type"));
            }
            return new LogAction(out, json);
        };
    }

    @Override
    public void onTransition(Transition t) {
        if (json) {
            out.println(toJson(t));
        } else {
            out.println(t.timestamp() + "  " + t.alarm() + "  " + t.oldState() + " -> " + t.newState() + "  " + t.reason());
        }
        out.flush(); // delivered means written: the run marks the transition delivered right after this returns
    }

    /** The JSON object of a transition. */
    public static ObjectNode toJson(Transition t) {
        ObjectNode o = JSON.createObjectNode().put("type", "transition").put("alarm", t.alarm()).put("seq", t.seq())
                .put("oldState", t.oldState().name()).put("newState", t.newState().name()).put("reason", t.reason())
                .put("timestamp", t.timestamp().toString()).put("threshold", t.threshold());
        ArrayNode pts = o.putArray("datapoints");
        for (Datapoint d : t.datapoints()) {
            ObjectNode p = pts.addObject().put("start", d.start().toString());
            if (d.isMissing()) {
                p.putNull("value");
            } else {
                p.put("value", d.value()).put("sampleCount", d.sampleCount());
            }
        }
        return o;
    }
}
