package gatehouse.pipeline.gate;

import gatehouse.core.finding.ScanReport;
import gatehouse.iac.pack.PackRule;
import gatehouse.iac.pack.RulePack;
import gatehouse.iac.resolve.IntrinsicResolver.ParameterValue;
import gatehouse.iac.scan.ParameterFile;
import gatehouse.iac.scan.ScanConfig;
import gatehouse.iac.scan.Scanner;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The policy gate as {@code gatehouse scan} and the pipeline's {@code gate: policy} both run it: the built-in
 * rule pack and the configured Guard rules over the templates under {@code targets}, parameters resolved, and —
 * unless turned off — secrets in every file, in one report with one decision.
 *
 * @param cwd        paths in the report are relative to it
 * @param extraRules Guard rule files or directories beyond the configuration's (command line, environment)
 * @param parameters a CloudFormation parameter file, or null
 * @param secrets    also look for secrets (when the configuration does not turn it off)
 */
public record PolicyScan(Path cwd, List<Path> targets, ScanConfig config, boolean builtin, List<Path> extraRules,
                         Path parameters, boolean secrets) {
    public PolicyScan {
        targets = List.copyOf(targets);
        extraRules = List.copyOf(extraRules);
    }

    /** The rules that run: built-in (unless off), configured and extra, minus the disabled, within {@code only}. */
    public List<PackRule> rules() {
        List<PackRule> all = new ArrayList<>();
        if (config.builtin() && builtin) {
            all.addAll(RulePack.builtin());
        }
        for (Path p : config.rulePaths()) {
            all.addAll(RulePack.loadPath(p));
        }
        for (Path p : extraRules) {
            all.addAll(RulePack.loadPath(p));
        }
        return all.stream().filter(r -> !config.disabled().contains(r.id()))
                .filter(r -> config.only().isEmpty() || config.only().contains(r.id())).toList();
    }

    /** Scans; input errors in single files are in the report, a broken rule or parameter file throws. */
    public ScanReport run(Clock clock, Consumer<String> progress) {
        Map<String, ParameterValue> params = parameters == null ? Map.of() : ParameterFile.load(parameters);
        Scanner scanner = new Scanner(config, rules(), params, parameters == null ? null : parameters.toString(), clock);
        ScanReport report = scanner.scan(cwd, targets, progress);
        if (config.secrets().enabled() && secrets) {
            report = SecretsInScan.merge(report, scanner, config, cwd, targets, progress);
        }
        return report;
    }
}
