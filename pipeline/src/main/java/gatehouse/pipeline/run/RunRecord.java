package gatehouse.pipeline.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a run did, saved after every step (in the store, see {@link RunStore}) so a paused run can be resumed
 * and any run shown later. A run is state that changes as it goes, so this is a plain mutable object; its public
 * fields are also its JSON form (the webhook's body, {@code run.json} in the reports for security, and the files
 * earlier versions kept under {@code .gatehouse/runs/ID/}).
 */
public final class RunRecord {
    public static final String RUNNING = "RUNNING";
    public static final String PASSED = "PASSED";
    public static final String FAILED = "FAILED";
    /** Paused until an approval. */
    public static final String WAITING = "WAITING";
    public static final String SKIPPED = "SKIPPED";

    public int schemaVersion = 1;
    public String id;
    public String pipeline;
    public String file;
    /** Who started it (the CI identity or the local user), and the change's author when known. */
    public String actor;
    public String author;
    public String started;
    public String finished;
    public String status = RUNNING;
    /** Why it ended as it did, in a sentence. */
    public String reason;
    public List<StageRecord> stages = new ArrayList<>();
    public List<ApprovalRecord> approvals = new ArrayList<>();

    public StageRecord stage(String name) {
        return stages.stream().filter(s -> s.name.equals(name)).findFirst().orElse(null);
    }

    /** One stage's outcome. */
    public static final class StageRecord {
        public String name;
        public String environment;
        public String status = RUNNING;
        public String reason;
        public List<StepRecord> steps = new ArrayList<>();

        public StageRecord() {}

        public StageRecord(String name, String environment) {
            this.name = name;
            this.environment = environment;
        }
    }

    /** One step's outcome. */
    public static final class StepRecord {
        public String name;
        public String kind;
        public String status;
        public String message;
        public String started;
        public long millis;
        /** Gates: PASS, NEEDS_APPROVAL or FAIL. */
        public String decision;
        public int findings;
        public int risk;
        /** Gates: the JSON report, run steps: the log; relative to the run directory. */
        public String report;
        /** Output file (relative to the pipeline directory) → SHA-256 (hex). */
        public Map<String, String> outputs = new LinkedHashMap<>();
    }

    /** One person's approval of one stage; signed when the stage's approval step names the approvers' keys. */
    public static final class ApprovalRecord {
        public String stage;
        public String approver;
        public String time;
        public String comment;
        /** The approver's key id and base64 signature over {@link Runner#approvalText}, or null. */
        public String keyid;
        public String signature;

        public ApprovalRecord() {}

        public ApprovalRecord(String stage, String approver, String time, String comment) {
            this.stage = stage;
            this.approver = approver;
            this.time = time;
            this.comment = comment;
        }
    }
}
