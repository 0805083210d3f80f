package gatehouse.secrets.bench;

import gatehouse.secrets.detect.Detector;
import gatehouse.secrets.detect.Fragment;
import gatehouse.secrets.rules.GitleaksConfig;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Detection alone, on one thread, measured in that thread's CPU time (which, unlike wall time, other work on a shared
 * machine barely moves): the added lines of a {@code git log -p} output, one fragment per file diff, through the
 * default rules, several times; prints the fastest and the median pass and the findings per pass. For comparing
 * changes to the detector, not a target measurement (benchmarks/secrets.sh is). Run by benchmarks/detect-cpu.sh.
 * Usage: DetectBench PATCH_FILE [MAX_MB] [PASSES]
 */
public final class DetectBench {
    private DetectBench() {}

    public static void main(String[] args) throws IOException {
        Path patch = Path.of(args[0]);
        long maxBytes = (args.length > 1 ? Long.parseLong(args[1]) : 20) << 20;
        int passes = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        List<Fragment> fragments = fragments(patch, maxBytes);
        long chars = fragments.stream().mapToLong(f -> f.text().length()).sum();
        Detector detector = new Detector(GitleaksConfig.defaults());
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[] cpu = new long[passes];
        int found = 0;
        for (int i = 0; i < passes; i++) {
            long t0 = mx.getCurrentThreadCpuTime();
            found = 0;
            for (Fragment f : fragments) {
                found += detector.detect(f).size();
            }
            cpu[i] = mx.getCurrentThreadCpuTime() - t0;
            System.err.printf("pass %d: %.3f s CPU%n", i + 1, cpu[i] / 1e9);
        }
        long[] sorted = cpu.clone();
        Arrays.sort(sorted);
        System.out.printf("%d fragments, %.1f M chars, %d findings per pass; CPU fastest %.3f s, median %.3f s (%.1f ns/char)%n",
                fragments.size(), chars / 1e6, found, sorted[0] / 1e9, sorted[passes / 2] / 1e9, (double) sorted[0] / chars);
    }

    private static List<Fragment> fragments(Path patch, long maxBytes) throws IOException {
        List<Fragment> out = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        String path = "";
        long read = 0;
        try (var lines = Files.newBufferedReader(patch, StandardCharsets.UTF_8)) {
            String line;
            while ((line = lines.readLine()) != null && read < maxBytes) {
                read += line.length() + 1;
                if (line.startsWith("diff --git ")) {
                    if (!text.isEmpty()) {
                        out.add(new Fragment(text.toString(), path, "0".repeat(40), 1));
                        text.setLength(0);
                    }
                    path = line.substring(line.lastIndexOf(" b/") + 3);
                } else if (line.startsWith("+") && !line.startsWith("+++ ")) {
                    text.append(line, 1, line.length()).append('\n');
                }
            }
        }
        if (!text.isEmpty()) {
            out.add(new Fragment(text.toString(), path, "0".repeat(40), 1));
        }
        return out;
    }
}
