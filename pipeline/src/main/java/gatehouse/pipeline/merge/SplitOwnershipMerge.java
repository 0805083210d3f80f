package gatehouse.pipeline.merge;

import gatehouse.core.Diagnostic;
import gatehouse.core.InputException;
import gatehouse.core.SourceSpan;
import gatehouse.core.finding.Decision;
import gatehouse.core.finding.Finding;
import gatehouse.core.finding.Location;
import gatehouse.core.finding.Rule;
import gatehouse.core.finding.ScanReport;
import gatehouse.core.finding.Severity;
import gatehouse.guard.eval.GuardEvaluationException;
import gatehouse.iac.pack.PackRule;
import gatehouse.iac.pack.RulePack;
import gatehouse.iac.resolve.IntrinsicResolver;
import gatehouse.iac.scan.ScanConfig;
import gatehouse.iac.scan.Scanner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The split-ownership merge as one step, for the CLI and the pipeline alike: load and assign fragments, check
 * each with its owner's Guard rules, merge ({@link Merger}), check the merged template with every owner's rules
 * and point each of those findings back at the fragment the offending element came from, write the merged
 * template and its provenance map, and decide: FAIL when any active finding is more than informational.
 */
public final class SplitOwnershipMerge {
    /** What a merge produced; {@code merged} and {@code provenance} are the texts written (or that would be). */
    public record Outcome(ScanReport report, Merger.Result result, String merged, String provenance) {
        /** Whether the gate failed: any active finding above info. */
        public boolean blocked() {
            return report.decision().outcome() != Decision.Outcome.PASS;
        }
    }

    private final Clock clock;

    public SplitOwnershipMerge(Clock clock) {
        this.clock = clock;
    }

    /**
     * Runs the merge.
     *
     * @param fragments fragment files or directories (empty: the spec's base directory)
     * @param exclude   files never taken as fragments (e.g. the configuration file)
     * @throws InputException for unusable fragments, owners or rule files, or an unwritable output
     */
    public Outcome run(MergeSpec spec, List<Path> fragments, Set<Path> exclude) {
        Instant started = clock.instant();
        long t0 = System.nanoTime();
        Set<Path> never = new LinkedHashSet<>(exclude);
        if (spec.output() != null) {
            never.add(spec.output());
        }
        if (spec.provenance() != null) {
            never.add(spec.provenance());
        }
        List<Fragment> loaded = Fragments.load(spec, fragments, never);
        Map<String, List<PackRule>> rules = new LinkedHashMap<>();
        for (MergeSpec.Owner o : spec.owners()) {
            List<PackRule> own = new ArrayList<>();
            for (Path p : o.rules()) {
                own.addAll(RulePack.loadPath(p));
            }
            rules.put(o.name(), own);
        }
        ScanConfig cfg = ScanConfig.defaults(spec.baseDir());
        List<String> errors = new ArrayList<>();
        Map<String, Finding> findings = new LinkedHashMap<>();

        // 1. each fragment with its owner's rules
        for (Fragment f : loaded) {
            List<PackRule> own = rules.get(f.owner());
            if (own.isEmpty()) {
                continue;
            }
            try {
                for (Finding raw : new Scanner(cfg, own, Map.of(), null, clock).evaluate(f.path(), f.text(), f.root(),
                        new IntrinsicResolver())) {
                    Finding g = relocate(raw, f, raw.location().line(), raw.location().column(), "fragment", f.owner());
                    findings.putIfAbsent(g.fingerprint(), g);
                }
            } catch (GuardEvaluationException e) {
                errors.add(e.diagnostics().get(0).headline() + " (evaluating " + f.path() + ")");
            }
        }

        // 2. merge
        Merger.Result result = Merger.merge(loaded);
        for (Finding g : result.findings()) {
            findings.putIfAbsent(g.fingerprint(), g);
        }

        // 3. the merged template with every owner's rules, findings mapped back to the fragments
        String templateName = spec.output() == null ? "merged template" : Fragments.relative(spec.baseDir(), spec.output());
        String merged = TemplateWriter.write(result.template(), spec.output() == null ? "merged.yaml"
                : spec.output().getFileName().toString());
        List<PackRule> all = distinct(rules);
        if (!all.isEmpty()) {
            Map<String, Merger.Element> byPointer = new LinkedHashMap<>();
            result.elements().forEach(el -> byPointer.put(el.pointer(), el));
            try {
                for (Finding raw : new Scanner(cfg, all, Map.of(), null, clock).evaluate(templateName, merged, result.template(),
                        new IntrinsicResolver())) {
                    Merger.Element el = element(byPointer, raw.location().path());
                    Finding g = el == null
                            ? withStage(new Finding(raw.rule(), raw.message(), new Location(templateName, 0, 0,
                                    raw.location().resource(), raw.location().path()), "", raw.provenance(),
                                    Merger.fingerprint(raw.rule().id(), templateName, raw.location().resource(),
                                            raw.location().path()), raw.suppression(), raw.properties()), "merged template", "")
                            : relocate(raw, el.fragment(), raw.location().line(), raw.location().column(), "merged template",
                                    el.fragment().owner());
                    findings.putIfAbsent(g.fingerprint(), g);
                }
            } catch (GuardEvaluationException e) {
                errors.add(e.diagnostics().get(0).headline() + " (evaluating the merged template)");
            }
        }

        String provenance = TemplateWriter.provenance(result, templateName);
        write(spec.output(), merged);
        write(spec.provenance(), provenance);

        List<Finding> sorted = new ArrayList<>(findings.values());
        sorted.sort(Merger.FINDING_ORDER);
        Map<String, String> sources = new LinkedHashMap<>();
        for (Fragment f : loaded) {
            if (sorted.stream().anyMatch(g -> g.location().file().equals(f.path()))) {
                sources.put(f.path(), f.text());
            }
        }
        Map<String, Rule> ruleList = new java.util.TreeMap<>();
        MergeRules.ALL.forEach(r -> ruleList.put(r.id(), r));
        all.forEach(r -> ruleList.putIfAbsent(r.id(), r.rule()));
        String version = SplitOwnershipMerge.class.getPackage().getImplementationVersion();
        ScanReport report = new ScanReport("gatehouse", version == null ? "dev" : version, spec.baseDir().toString(), started,
                (System.nanoTime() - t0) / 1_000_000, loaded.stream().map(Fragment::path).toList(),
                List.copyOf(ruleList.values()), sorted, errors, decide(sorted), sources, "fragment");
        return new Outcome(report, result, merged, provenance);
    }

    /** FAIL when any active finding is above info; merge findings are critical or high, so they always fail. */
    static Decision decide(List<Finding> findings) {
        List<Finding> active = findings.stream().filter(f -> !f.suppressed()).toList();
        int total = active.stream().mapToInt(f -> f.rule().risk()).sum();
        long blocking = active.stream().filter(f -> f.rule().severity() != Severity.INFO).count();
        long merge = active.stream().filter(f -> f.rule().family().equals("merge") && f.rule().severity() != Severity.INFO).count();
        if (blocking > 0) {
            return new Decision(Decision.Outcome.FAIL, total, blocking + " blocking finding" + (blocking == 1 ? "" : "s")
                    + (merge > 0 ? " (" + merge + " from the merge itself)" : ""));
        }
        return new Decision(Decision.Outcome.PASS, total, active.isEmpty() ? "no findings" : "only informational findings");
    }

    private static List<PackRule> distinct(Map<String, List<PackRule>> rules) {
        Map<String, PackRule> out = new LinkedHashMap<>();
        rules.values().forEach(l -> l.forEach(r -> out.putIfAbsent(r.source() + "\0" + r.guardRule() + "\0" + r.id(), r)));
        List<PackRule> list = new ArrayList<>(out.values());
        list.sort(Comparator.comparing(PackRule::id));
        return list;
    }

    /** The element a data path belongs to: the longest element pointer that is the path or a prefix of it. */
    static Merger.Element element(Map<String, Merger.Element> byPointer, String path) {
        String p = path;
        while (!p.isEmpty()) {
            Merger.Element el = byPointer.get(p);
            if (el != null) {
                return el;
            }
            int slash = p.lastIndexOf('/');
            p = slash <= 0 ? "" : p.substring(0, slash);
        }
        return null;
    }

    /** The finding at {@code line:col} of fragment {@code f}, with that line as its excerpt and a fingerprint on the fragment. */
    private static Finding relocate(Finding raw, Fragment f, int line, int col, String stage, String owner) {
        String[] lines = f.text().split("\n", -1);
        String snippet = line > 0 && line <= lines.length ? lines[line - 1].stripTrailing() : "";
        Location l = raw.location();
        return withStage(new Finding(raw.rule(), raw.message(), new Location(f.path(), line, col, l.resource(), l.path()), snippet,
                raw.provenance(), Merger.fingerprint(raw.rule().id(), f.path(), l.resource(), l.path()), raw.suppression(),
                raw.properties()), stage, owner);
    }

    private static Finding withStage(Finding f, String stage, String owner) {
        Map<String, String> p = new LinkedHashMap<>(f.properties());
        if (!owner.isEmpty()) {
            p.put("owner", owner);
        }
        p.put("checked on", stage);
        return new Finding(f.rule(), f.message(), f.location(), f.snippet(), f.provenance(), f.fingerprint(), f.suppression(),
                new java.util.LinkedHashMap<>(p));
    }

    private static void write(Path file, String text) {
        if (file == null) {
            return;
        }
        try {
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InputException(Diagnostic.of("input_io_error", SourceSpan.at(file.toString(), 1, 1),
                    "cannot write: " + e.getMessage(), "check that the directory exists and is writable"));
        }
    }
}
