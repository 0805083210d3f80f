#!/usr/bin/env python3
"""Builds the git repository that benchmarks/secrets.sh scans for secrets across history.

Usage: gen_secrets_repo.py OUTDIR [--commits N]      (default 10,500 commits)

Writes OUTDIR/repo, a git repository of a fictional polyglot product (Python, Java, JS/TS, Go, YAML,
JSON, Markdown, .env/.properties/.ini configs, shell, Terraform, Dockerfiles) whose history holds
exactly 50 planted secrets, and OUTDIR/planted.jsonl, one line per planted secret:
  {"id", "kind", "secret", "where", "commit", "path", "line", "end_line", "head_line", "removed_in", "ref", "parts"}
  where = "present"  (P01-P30) the secret is still in the file at HEAD of main (head_line: its line there)
          "deleted"  (D01-D12) the file or the lines are deleted by a later commit (removed_in)
          "message"  (M01-M08) the secret is only in the commit message (path is null)
  commit is the commit that introduced it, ref a ref that reaches that commit, line and end_line the first
  and last line of the credential in that commit's file (or message), and parts the further strings of
  the same credential (the secret access key of an AWS key pair).

The rest of the content is ordinary code and configuration full of the words key, token, password,
secret, auth and api in harmless places (names, comments, docs, placeholders such as "changeme",
"${DB_PASSWORD}" or "<your-token>"), plus a sprinkling of look-alikes (AWS's documented example keys,
jwt.io's example token, public SSH keys, bcrypt hashes, npm lockfile integrity hashes, checksums, UUIDs),
so that a scanner which flags every keyword or every long string pays for it in false positives.

History: main, three feature branches (feature/payments-v2 is merged back, feature/sso-login and
feature/terraform-eks are not) and a lightweight tag (v2.3.1-hotfix) on commits no branch contains,
so a scan of HEAD or of main alone misses what only `--all` sees. Annotated tags v1.0.0 and v2.0.0 mark
releases on main.

Deterministic: one seeded generator and fixed authors and dates, so two runs give the same commit ids.
The stream goes through one `git fast-import`; the script ends by measuring `git log -p --all`.
"""
import argparse
import itertools
import json
import os
import random
import re
import shutil
import string
import subprocess
import sys
import time
import zlib

SEED = 20240504
EPOCH = 1_546_333_200  # 2019-01-01 09:00 UTC, the date of the first commit
MAX_FILE = 40_000       # bytes: edits stop growing a file beyond this
FILE_SIZE = (9.4, 0.8)  # log-normal size of a new file (median 12 KB), clamped to 1 KB-MAX_FILE
RENAME_SHARE = 0.04     # share of edits that rename a word throughout a file (many hunks)
RARE_EVERY = 300        # one body line in this many is a harmless look-alike of a secret
# share of ordinary commits that add a file, delete one, bump dependencies in a lockfile, regenerate a
# file (the rest edit a few places in 1-3 files)
ADD, DELETE, BUMP, REWRITE = 0.21, 0.04, 0.12, 0.03
AUTHORS = [
    ("Alice Moreau", "alice.moreau@acme-corp.example"),
    ("Bilal Haddad", "bilal.haddad@acme-corp.example"),
    ("Chen Wei", "chen.wei@acme-corp.example"),
    ("Dana Kowalski", "dana.kowalski@acme-corp.example"),
    ("Emeka Obi", "emeka.obi@acme-corp.example"),
    ("Freya Lindqvist", "freya.lindqvist@acme-corp.example"),
    ("Gustavo Pereira", "gustavo.pereira@acme-corp.example"),
    ("Hana Sato", "hana.sato@acme-corp.example"),
    ("release-bot", "release-bot@acme-corp.example"),
]

DIGITS, UPPER, LOWER = string.digits, string.ascii_uppercase, string.ascii_lowercase
BASE62 = DIGITS + UPPER + LOWER
B64 = UPPER + LOWER + DIGITS + "+/"
URLSAFE = BASE62 + "_-"
HEX = "0123456789abcdef"

# ---------------------------------------------------------------------------------------------------------
# Words and templates. A template's <<name>> slots are filled by Words.fill; the same slot name repeated
# in one template gets the same value, and a trailing digit (<<noun2>>) asks for an independent one.
# ---------------------------------------------------------------------------------------------------------
NOUNS = ("user order account invoice payment session customer report cart product shipment tenant webhook "
         "event job queue cache config client profile team project audit metric notification subscription "
         "credential key token secret password api auth role policy bucket cluster node service deployment "
         "release build address price coupon refund ledger quota schedule upload document message channel "
         "permission group region endpoint certificate signature header request response").split()
VERBS = ("get create update delete list fetch load save validate refresh rotate resolve parse render sync "
         "publish handle process build check verify encode decode revoke issue merge export import").split()
ADJS = "default primary legacy internal public cached pending active expired signed remote local new stale".split()
ENVS = "dev staging prod test qa sandbox".split()
REGIONS = "eu-west-1 eu-central-1 us-east-1 us-west-2 ap-southeast-2".split()
SERVICES = "billing gateway identity catalog orders notifications search reporting inventory ledger".split()
PLACEHOLDERS = ("changeme", "${DB_PASSWORD}", "<your-token>", "REPLACE_ME", "xxxxxxxxxxxxxxxx", "********",
                "{{ vault_secret }}", "${API_KEY}", "<insert-api-key-here>", "TODO", "dummy", "secret",
                "password", "example", "${SECRET_KEY:-dev}", "<redacted>", "your-api-key")
SENTENCES = (
    "Makes sure to <<verb>> the <<noun>> before the <<adj>> <<noun2>> is stored.",
    "Returns the <<adj>> <<noun>> for the given <<noun2>>, or None when it is missing.",
    "The <<noun>> token is refreshed by the auth middleware, never here.",
    "Keep the api key out of logs: only its last four characters are printed.",
    "Reads the password from the environment (see docs/<<noun>>-setup.md).",
    "Secrets live in the vault; this only holds the name of the secret.",
    "<<Verb>> every <<noun>> of the <<noun2>> in one round trip.",
    "Retries with exponential backoff when the <<noun>> api returns 429.",
    "The key is the <<noun>> id, so two <<noun2>>s never share an entry.",
    "Deprecated: use <<verb>>_<<noun>> with an explicit auth scope instead.",
)
COMMIT_MESSAGES = (
    "Fix <<noun>> <<verb>> when the <<noun2>> is empty", "Add <<noun>> endpoint to <<svc>>",
    "Refactor <<noun>> token refresh", "Bump <<pkg>> from <<ver>> to <<ver2>>",
    "<<Verb>> <<noun>>s in batches", "Rename <<noun>>_id to <<noun2>>_id", "Add tests for <<noun>> <<verb>>",
    "Move auth middleware before the <<noun>> handler", "Read the <<noun>> password from the environment",
    "Document api key rotation for <<svc>>", "Handle expired <<noun>> tokens", "Tidy up <<svc>> config",
    "Log <<noun>> ids, never secrets", "Use the secret manager for <<noun>> credentials",
    "Speed up <<noun>> lookups with a cache key per <<noun2>>", "Update <<env>> deployment for <<svc>>",
    "Pin <<pkg>> to <<ver>>", "Validate <<noun>> input", "Remove unused <<noun>> helper", "WIP <<noun>>",
    "Merge <<noun>> and <<noun2>> handlers", "Add <<region>> to the <<env>> terraform",
)
COMMIT_BODIES = (
    "The <<noun>> api returned 401 when the token had expired; refresh it first.",
    "No behaviour change for callers that pass an explicit api key.",
    "Passwords and tokens come from ${<<UPPER>>_SECRET}; nothing is hardcoded.",
    "Closes #<<n>>.", "See <<svc>> runbook, section <<n>>.", "Reviewed-by: <<author>>",
)
PACKAGES = "requests boto3 jackson-databind lodash express gin-gonic pyyaml spring-boot axios hashicorp/aws".split()

SLOT = re.compile(r"<<([A-Za-z]+)(\d?)>>")


class Words:
    """Fills templates with random words, identifiers and harmless values."""

    def __init__(self, rng):
        self.rng = rng
        c = rng.choice
        self.makers = {
            "noun": lambda: c(NOUNS), "Noun": lambda: c(NOUNS).capitalize(), "UPPER": lambda: c(NOUNS).upper(),
            "verb": lambda: c(VERBS), "Verb": lambda: c(VERBS).capitalize(), "adj": lambda: c(ADJS),
            "env": lambda: c(ENVS), "region": lambda: c(REGIONS), "svc": lambda: c(SERVICES),
            "pkg": lambda: c(PACKAGES), "author": lambda: "%s <%s>" % c(AUTHORS[:8]),
            "n": lambda: str(rng.randint(2, 999)), "port": lambda: str(c((80, 443, 5432, 6379, 8080, 8443, 9090))),
            "ver": lambda: "%d.%d.%d" % (rng.randint(0, 4), rng.randint(0, 20), rng.randint(0, 30)),
            "ph": lambda: c(PLACEHOLDERS), "uuid": self.uuid, "commit": lambda: self.chars(HEX, 40),
            "digest": lambda: self.chars(HEX, 64), "integrity": lambda: "sha512-" + self.chars(B64, 86) + "==",
            "sentence": lambda: self.fill(c(SENTENCES)), "Type": lambda: c(
                ("String", "int", "boolean", "long", "List<String>", "Optional<%s>" % c(NOUNS).capitalize(),
                 "Map<String, Object>", c(NOUNS).capitalize())),
            "acct": lambda: "".join(c(DIGITS) for _ in range(12)),
            "b62": lambda: self.chars(BASE62, 24), "hex": lambda: self.chars(HEX, 32),
            "sshpub": lambda: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" + self.chars(B64, 43) + " deploy@acme-corp",
            "bcrypt": lambda: "$2b$12$" + self.chars(BASE62 + "./", 53),
            "cert": lambda: "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUR" + self.chars(B64, 60),
        }

    def chars(self, alphabet, n):
        return "".join(self.rng.choice(alphabet) for _ in range(n))

    def uuid(self):
        h = self.chars(HEX, 32)
        return "%s-%s-4%s-a%s-%s" % (h[:8], h[8:12], h[13:16], h[17:20], h[20:])

    def fill(self, template):
        seen = {}

        def one(m):
            if m.group(0) not in seen:
                seen[m.group(0)] = self.makers[m.group(1)]()
            return seen[m.group(0)]
        return SLOT.sub(one, template)


# ---------------------------------------------------------------------------------------------------------
# Languages: how files of each type are named, open, grow by blocks and close.
# ---------------------------------------------------------------------------------------------------------
class Lang:
    """A file type: its paths, opening lines, blocks (an opener, body statements, a closer) and closing
    lines. `rare` statements (look-alikes of secrets: public keys, hashes, documented examples) stand in
    for a body statement once in RARE_EVERY lines, about as often as they turn up in real code."""

    def __init__(self, name, weight, paths, header, opens, body, closes, indent, rare=(), footer=(), mode="100644"):
        self.name, self.weight, self.paths, self.header = name, weight, paths, header
        self.opens, self.body, self.closes, self.indent = opens, body, closes, indent
        self.rare, self.footer, self.mode = rare, footer, mode

    def block(self, w, rng):
        """One function, section or paragraph: an opener, 3-24 body lines, a closer and a blank line."""
        lines = [w.fill(rng.choice(self.opens))] if self.opens else []
        lines += self.lines(w, rng, rng.randint(3, 24))
        if self.closes:
            lines.append(w.fill(rng.choice(self.closes)))
        return lines + [""]

    def lines(self, w, rng, k):
        """k body statements (a template may span several lines)."""
        pick = [rng.choice(self.rare if self.rare and rng.randrange(RARE_EVERY) == 0 else self.body) for _ in range(k)]
        return "\n".join(self.indent + w.fill(t) for t in pick).split("\n")


LANGS = [
    Lang("py", 15, ("services/<<svc>>/<<svc>>/<<noun>>_<<verb>>.py", "services/<<svc>>/tests/test_<<noun>>.py",
                    "tools/<<noun>>_<<noun2>>.py"),
         ("import logging", "import os", "", "from <<svc>>.clients import <<Noun>>Client", "",
          "logger = logging.getLogger(__name__)", "API_VERSION = \"v<<n>>\"", ""),
         ("def <<verb>>_<<noun>>(<<noun2>>_id, auth=None):", "def _<<verb>>_<<noun>>(self, <<noun2>>):",
          "class <<Noun>><<Noun2>>Service:"),
         ("\"\"\"<<sentence>>\"\"\"", "<<noun>> = <<noun2>>_repo.<<verb>>(<<noun2>>_id)",
          "logger.debug(\"<<verb>> <<noun>> %s\", <<noun2>>_id)", "token = auth_client.get_token(scope=\"<<noun>>:<<verb>>\")",
          "api_key = os.environ.get(\"<<UPPER>>_API_KEY\", \"\")", "password = os.environ[\"<<UPPER>>_DB_PASSWORD\"]",
          "secret_name = f\"<<env>>/<<svc>>/<<noun>>-password\"", "# TODO: rotate the auth token every <<n>> days",
          "headers = {\"Authorization\": f\"Bearer {token}\", \"X-Api-Version\": API_VERSION}",
          "cache_key = f\"<<noun>>:{<<noun2>>_id}\"", "if <<noun>> is None: raise KeyError(<<noun2>>_id)",
          "return <<Noun>>Client(base_url=settings.<<UPPER>>_URL, timeout=<<n>>)", "# <<sentence>>",
          "for <<noun>> in <<noun2>>s: <<verb>>_<<noun>>(<<noun>>)", "<<noun>>_token_ttl = <<n>> * 60",
          "password_hash = hasher.hash(form.password.data)", "request_id = \"<<uuid>>\"",
          "assert <<noun>>.is_<<adj>>(), \"<<noun>> must be <<adj>>\"", "return {\"<<noun>>\": <<noun>>, \"ok\": True}",
          "session.auth = (user, os.getenv(\"<<UPPER>>_PASSWORD\"))"),
         (), "    ",
         rare=("TEST_PASSWORD_HASH = \"<<bcrypt>>\"",
               "GITHUB_TOKEN = os.environ.get(\"GITHUB_TOKEN\", \"ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\")")),
    Lang("java", 12, ("services/<<svc>>/src/main/java/com/acme/<<svc>>/<<Noun>><<Noun2>>.java",
                      "services/<<svc>>/src/test/java/com/acme/<<svc>>/<<Noun>>Test.java"),
         ("package com.acme.<<svc>>;", "", "import java.util.List;", "import java.util.Optional;", "",
          "/** <<sentence>> */", "public class <<Noun>><<Noun2>> {",
          "    private static final String API_KEY_HEADER = \"X-Api-Key\";", ""),
         ("    public <<Type>> <<verb>><<Noun>>(String <<noun>>Id) {", "    private void <<verb>><<Noun>>(<<Noun2>> <<noun2>>) {",
          "    /** <<sentence>> */"),
         ("String token = tokenProvider.currentToken();", "char[] password = config.getPassword(\"<<noun>>.password\");",
          "var <<noun>> = <<noun>>Repository.findById(<<noun>>Id).orElseThrow();",
          "log.info(\"<<verb>> {} for {}\", <<noun>>Id, tenant);", "if (secret == null) { secret = secrets.lookup(\"<<svc>>/<<noun>>\"); }",
          "request.header(API_KEY_HEADER, apiKeyProvider.get());", "// <<sentence>>",
          "return <<noun>>Service.<<verb>>(<<noun>>Id, AuthContext.current());", "int attempts = <<n>>;",
          "Objects.requireNonNull(<<noun>>, \"<<noun>>\");", "String cacheKey = \"<<noun>>:\" + <<noun>>Id;",
          "authToken = authClient.exchange(refreshToken).accessToken();", "metrics.counter(\"<<noun>>.<<verb>>\").increment();",
          "String dbPassword = System.getenv(\"<<UPPER>>_DB_PASSWORD\");"),
         ("    }",), "        ",
         rare=("assertThat(hasher.verify(\"<<noun>>-password\", \"<<bcrypt>>\")).isTrue();",),
         footer=("}",)),
    Lang("js", 7, ("web/src/<<noun>>/<<verb>><<Noun>>.js", "web/src/lib/<<noun>>.js"),
         ("'use strict';", "const axios = require('axios');", "const config = require('../config');", ""),
         ("async function <<verb>><<Noun>>(<<noun>>Id, opts = {}) {", "export const <<verb>><<Noun2>> = (<<noun>>) => {"),
         ("const token = await auth.getToken({ scope: '<<noun>>:<<verb>>' });", "const apiKey = process.env.<<UPPER>>_API_KEY;",
          "const res = await axios.get(`${config.apiUrl}/<<noun>>s/${<<noun>>Id}`, { headers: { Authorization: `Bearer ${token}` } });",
          "// <<sentence>>", "if (!<<noun>>) throw new Error('<<noun>> not found');", "return res.data.<<noun>>;",
          "const password = form.elements.password.value;", "logger.info('<<verb>> <<noun>>', { id: <<noun>>Id });",
          "const cacheKey = `<<noun>>:${<<noun>>Id}`;", "const secretName = '<<env>>/<<svc>>/<<noun>>';",
          "opts.retries = opts.retries ?? <<n>>;", "const apiKey = '<<ph>>'; // set in .env.local"),
         ("}", "};"), "  ",
         rare=("const STRIPE_PUBLISHABLE_KEY = 'pk_live_<<b62>>'; // public by design",)),
    Lang("ts", 7, ("web/src/<<noun>>/<<Noun>><<Noun2>>.ts", "web/src/api/<<noun>>Api.ts"),
         ("import { AuthService } from '../auth/AuthService';", "import type { <<Noun>> } from '../types';", ""),
         ("export async function <<verb>><<Noun>>(<<noun>>Id: string): Promise<<<Noun>>> {",
          "export interface <<Noun>><<Noun2>>Options {", "export class <<Noun>>Client {"),
         ("const token: string = await this.auth.accessToken();", "readonly apiKeyHeader = 'X-Api-Key';",
          "// <<sentence>>", "const url = `${this.baseUrl}/v<<n>>/<<noun>>s/${<<noun>>Id}`;",
          "password?: string; // never persisted", "const secretRef = { name: '<<svc>>-<<noun>>', key: 'password' };",
          "if (resp.status === 401) { await this.auth.refreshToken(); }", "return (await resp.json()) as <<Noun>>;",
          "timeoutMs = <<n>>00;", "authMode: 'oauth' | 'api-key' = 'oauth';", "const <<noun>>Id = crypto.randomUUID();"),
         ("}",), "  ",
         rare=("const sentryDsn = 'https://<<hex>>@o<<n>>.ingest.sentry.io/<<n2>>'; // public DSN",)),
    Lang("go", 8, ("tools/<<noun>>ctl/<<noun>>_<<verb>>.go", "services/<<svc>>/internal/<<noun>>/<<noun2>>.go"),
         ("package <<noun>>", "", "import (", "\t\"context\"", "\t\"fmt\"", "\t\"os\"", ")", ""),
         ("func <<Verb>><<Noun>>(ctx context.Context, id string) (*<<Noun>>, error) {",
          "func (c *Client) <<verb>><<Noun>>(ctx context.Context, <<noun>> <<Noun>>) error {"),
         ("token := os.Getenv(\"<<UPPER>>_TOKEN\")", "// <<sentence>>", "if err != nil {\n\t\treturn nil, fmt.Errorf(\"<<verb>> <<noun>>: %w\", err)\n\t}",
          "req.Header.Set(\"Authorization\", \"Bearer \"+token)", "apiKey := c.cfg.APIKey // from the secret store",
          "password, err := c.secrets.Get(ctx, \"<<svc>>/<<noun>>/password\")", "defer resp.Body.Close()",
          "c.metrics.Inc(\"<<noun>>_<<verb>>_total\")", "key := fmt.Sprintf(\"<<noun>>:%s\", id)", "return c.<<verb>>(ctx, key)"),
         ("}",), "\t",
         rare=("const testKeyID = \"<<uuid>>\" // fixture, not a credential",)),
    Lang("yaml", 12, ("deploy/<<env>>/<<svc>>-<<noun>>.yaml", ".github/workflows/<<verb>>-<<noun>>.yml",
                      "charts/<<svc>>/values-<<env>>.yaml"),
         ("# <<svc>> <<env>> settings", "apiVersion: v1", "kind: ConfigMap", "metadata:", "  name: <<svc>>-<<noun>>", "data:"),
         ("  <<noun>>:", "  <<noun>>_<<noun2>>:", "  auth:"),
         ("api_url: https://api.<<env>>.acme-corp.example/v<<n>>", "password: \"<<ph>>\"", "token_ttl: <<n>>m",
          "secret_ref: <<svc>>-<<noun>>-credentials", "api_key: ${<<UPPER>>_API_KEY}", "replicas: <<n>>",
          "# <<sentence>>", "password_from_secret: { name: db-credentials, key: password }", "enabled: true",
          "image: registry.acme-corp.example/<<svc>>:<<ver>>", "request_id: <<uuid>>", "auth_mode: oidc",
          "checksum/config: <<digest>>", "region: <<region>>", "client_id: <<uuid>>", "commit_sha: <<commit>>"),
         (), "    ",
         rare=("aws_account_id: \"<<acct>>\"", "ca.crt: <<cert>>")),
    Lang("json", 6, ("config/<<noun>>.json", "web/public/<<noun>>-<<env>>.json", "fixtures/<<noun>>s.json"),
         ("{", "  \"version\": \"<<ver>>\",", "  \"items\": ["),
         ("    {",),
         ("\"id\": \"<<uuid>>\",", "\"name\": \"<<adj>>-<<noun>>\",", "\"apiKey\": \"<<ph>>\",", "\"tokenUrl\": \"https://auth.acme-corp.example/oauth/token\",",
          "\"integrity\": \"<<integrity>>\",", "\"passwordPolicy\": { \"minLength\": <<n>> },", "\"secretName\": \"<<env>>/<<noun>>\",",
          "\"enabled\": false,", "\"description\": \"<<sentence>>\","),
         ("    },",), "      ",
         rare=("\"passwordHash\": \"<<bcrypt>>\",", "\"publicKey\": \"<<sshpub>>\","),
         footer=("  ]", "}")),
    Lang("md", 8, ("docs/<<noun>>-<<verb>>.md", "services/<<svc>>/README.md", "docs/runbooks/<<svc>>-<<noun>>.md"),
         ("# <<Noun>> <<Verb>>", "", "<<sentence>>", ""),
         ("## <<Verb>> the <<noun>>", "### <<Noun>> and auth"),
         ("<<sentence>>", "Set `<<UPPER>>_API_KEY` to your api key (ask #platform for one); never commit it.",
          "- `password`: the database password, read from `${DB_PASSWORD}`", "Run `make <<verb>>-<<noun>>` and paste your token: `<your-token>`.",
          "| <<noun>> | <<adj>> | see <<commit>> |", "The secret key is rotated every <<n>> days by the auth team.",
          "curl -H \"Authorization: Bearer $TOKEN\" https://api.acme-corp.example/v<<n>>/<<noun>>s"),
         (), "",
         rare=("```bash\nexport AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\nexport AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n```",
               "A token looks like `ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx` or `sk_live_xxxxxxxxxxxxxxxxxxxxxxxx`.",
               "Example JWT from jwt.io: `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c`")),
    Lang("env", 3, ("services/<<svc>>/.env.example", "services/<<svc>>/.env.<<env>>", ".env.<<env>>"),
         ("# copy to .env and fill in; never commit real values",),
         ("",),
         ("<<UPPER>>_API_KEY=<<ph>>", "<<UPPER>>_PASSWORD=<<ph>>", "<<UPPER>>_URL=https://<<noun>>.<<env>>.internal:<<port>>",
          "AUTH_TOKEN=<<ph>>", "LOG_LEVEL=info", "<<UPPER>>_SECRET_NAME=<<env>>/<<noun>>", "FEATURE_<<UPPER>>=true"),
         (), "",
         rare=("AWS_ACCESS_KEY_ID=AKIAXXXXXXXXXXXXXXXX", "SENTRY_DSN=https://<<hex>>@o<<n>>.ingest.sentry.io/<<n2>>")),
    Lang("properties", 4, ("services/<<svc>>/src/main/resources/application-<<env>>.properties",),
         ("# <<svc>> settings for <<env>>",),
         ("# <<sentence>>",),
         ("spring.datasource.password=${DB_PASSWORD}", "<<svc>>.<<noun>>.api-key=${<<UPPER>>_API_KEY}",
          "<<svc>>.<<noun>>.timeout=<<n>>", "security.oauth2.client.token-uri=https://auth.acme-corp.example/oauth/token",
          "<<svc>>.secret.name=<<env>>/<<noun>>", "management.endpoints.web.exposure.include=health,info"),
         (), ""),
    Lang("ini", 2, ("config/<<noun>>.ini", "deploy/<<svc>>.cfg"),
         ("; <<sentence>>",),
         ("[<<noun>>]",),
         ("password = <<ph>>", "api_key = %(<<UPPER>>_API_KEY)s", "host = <<noun>>.<<env>>.internal", "port = <<port>>",
          "token_file = /run/secrets/<<noun>>_token", "timeout = <<n>>"),
         (), ""),
    Lang("sh", 6, ("scripts/<<verb>>-<<noun>>.sh", "ci/<<verb>>.sh"),
         ("#!/usr/bin/env bash", "set -euo pipefail", ""),
         ("<<verb>>_<<noun>>() {",),
         ("local token=\"${<<UPPER>>_TOKEN:?set <<UPPER>>_TOKEN}\"", "# <<sentence>>",
          "curl -fsS -H \"Authorization: Bearer ${token}\" \"$API_URL/<<noun>>s\"",
          "aws secretsmanager get-secret-value --secret-id \"<<env>>/<<svc>>/password\" --query SecretString",
          "echo \"<<verb>> <<noun>> done\"", "read -rsp 'Password: ' password", "export API_KEY=\"${API_KEY:-<<ph>>}\""),
         ("}",), "  ", mode="100755"),
    Lang("tf", 8, ("infra/terraform/<<noun>>/main.tf", "infra/terraform/<<svc>>/<<noun>>.tf"),
         ("terraform {", "  required_version = \">= 1.5\"", "}", ""),
         ("resource \"aws_<<noun>>\" \"<<noun2>>\" {", "variable \"<<noun>>_password\" {", "module \"<<noun>>\" {"),
         ("name = \"<<svc>>-<<env>>-<<noun>>\"", "password = var.<<noun>>_password", "sensitive = true",
          "kms_key_id = aws_kms_key.<<noun>>.arn", "secret_id = aws_secretsmanager_secret.<<noun>>.id",
          "# <<sentence>>", "tags = { Team = \"platform\", Env = \"<<env>>\" }", "source_code_hash = \"<<digest>>\"",
          "password = \"${var.<<noun>>_password}\""),
         ("}",), "  ",
         rare=("allowed_account_ids = [\"<<acct>>\"]", "public_key = \"<<sshpub>>\"")),
    Lang("docker", 3, ("services/<<svc>>/Dockerfile", "docker/<<noun>>/Dockerfile"),
         ("FROM eclipse-temurin:21-jre", "WORKDIR /app"),
         ("# <<sentence>>",),
         ("ARG <<UPPER>>_API_KEY", "ENV AUTH_MODE=oidc", "COPY build/<<noun>>.jar /app/<<noun>>.jar",
          "RUN --mount=type=secret,id=npm_token npm ci", "EXPOSE <<port>>", "ENV DB_PASSWORD_FILE=/run/secrets/db_password",
          "HEALTHCHECK CMD curl -f http://localhost:<<port>>/health || exit 1"),
         (), ""),
]
LANG = {lang.name: lang for lang in LANGS}
RAW = Lang("raw", 0, (), (), (), (), (), "")           # a file that is only a planted secret: never edited
LOCK = Lang("lock", 0, (), (), (), (), (), "", footer=("  }", "}"))  # npm lockfiles: changed only by bumps
LOCKFILES = ("web/package-lock.json", "services/gateway/package-lock.json", "tools/release/package-lock.json")
NPM_NAMES = ("lodash axios express debug ms semver chalk commander yargs uuid dotenv jsonwebtoken bcryptjs "
             "passport passport-jwt cookie-parser helmet cors body-parser qs mime-types ws rxjs tslib zod "
             "react react-dom webpack babel-loader eslint prettier jest ts-node typescript").split()


class File:
    """A file's lines. Lines before `frozen` hold a planted secret (or precede it) and are never edited;
    a pinned file is never deleted by random churn."""
    __slots__ = ("lang", "lines", "frozen", "pinned")

    def __init__(self, lang, lines, frozen=0, pinned=False):
        self.lang, self.lines, self.frozen, self.pinned = lang, lines, frozen, pinned

    def copy(self):
        return File(self.lang, list(self.lines), self.frozen, self.pinned)

    def data(self):
        return ("\n".join(self.lines) + "\n").encode()


# ---------------------------------------------------------------------------------------------------------
# Planted secrets
# ---------------------------------------------------------------------------------------------------------
def base62(n):
    out = ""
    while True:
        n, r = divmod(n, 62)
        out = BASE62[r] + out
        if n == 0:
            return out


class Secrets:
    """Seeded secret bodies. Every generator mixes digits, upper and lower case (high entropy)."""

    def __init__(self, rng):
        self.rng = rng

    def chars(self, alphabet, n, need=(DIGITS, UPPER, LOWER)):
        while True:
            s = "".join(self.rng.choice(alphabet) for _ in range(n))
            if all(any(ch in s for ch in group) for group in need if any(ch in alphabet for ch in group)):
                return s

    def make(self, kind):
        """(secret, further parts of the same credential)."""
        c, r = self.chars, self.rng
        if kind == "aws":
            while True:  # never AWS's documented example keys
                key_id = "AKIA" + c(UPPER + "234567", 16, need=(UPPER, "234567"))
                if "EXAMPLE" not in key_id:
                    return key_id, [c(BASE62 + "+/", 40)]
        if kind == "ghp":
            body = c(BASE62, 30)
            return "ghp_" + body + base62(zlib.crc32(body.encode())).rjust(6, "0"), []
        if kind == "github_pat":
            return "github_pat_" + c(BASE62, 22) + "_" + c(BASE62, 59), []
        if kind == "glpat":
            return "glpat-" + c(URLSAFE, 20), []
        if kind == "slack_bot":
            return "xoxb-%s-%s-%s" % (c(DIGITS, r.randint(10, 13)), c(DIGITS, r.randint(10, 13)), c(BASE62, 24)), []
        if kind == "slack_webhook":
            return "https://hooks.slack.com/services/T%s/B%s/%s" % (
                c(UPPER + DIGITS, 8), c(UPPER + DIGITS, r.randint(8, 10)), c(BASE62, 24)), []
        if kind == "stripe":
            return "sk_live_" + c(BASE62, r.randint(24, 34)), []
        if kind == "google_api":
            return "AIza" + c(URLSAFE, 35), []
        if kind == "pem":
            body = "MIIEpAIBAAKCAQEA" + c(B64, 64 * r.randint(6, 12) + 20)
            lines = [body[i:i + 64] for i in range(0, len(body), 64)]
            return "\n".join(["-----BEGIN RSA PRIVATE KEY-----"] + lines + ["-----END RSA PRIVATE KEY-----"]), []
        if kind == "npm":
            return "npm_" + c(BASE62, 36), []
        if kind == "sendgrid":
            return "SG.%s.%s" % (c(URLSAFE, 22), c(URLSAFE, 43)), []
        if kind == "twilio":
            return "SK" + c(HEX, 32, need=(DIGITS, "abcdef")), []
        if kind == "postgres":
            user = r.choice(("app", "billing_svc", "reporting", "admin", "orders_rw"))
            host = "%s-db.%s.acme-corp.example" % (r.choice(SERVICES), r.choice(ENVS))
            password = c(BASE62 + "-_.", r.randint(16, 24))
            return "postgres://%s:%s@%s:5432/%s" % (user, password, host, r.choice(SERVICES)), []
        if kind == "generic_api_key":
            return c(BASE62, 32), []
        if kind == "generic_password":
            return c(BASE62 + "!#%^*-_=+?", r.randint(16, 22), need=(DIGITS, UPPER, LOWER, "!#%^*-_=+?")), []
        raise ValueError(kind)


# Where each kind of secret is written: (language, lines); {S} is the secret, {S2} the further part.
# A planted secret goes into an existing file of that language or a new one.
CONTEXTS = {
    "aws": [("ini", ["[deploy]", "aws_access_key_id = {S}", "aws_secret_access_key = {S2}", "region = eu-west-1"]),
            ("py", ["s3 = boto3.client(", "    \"s3\",", "    aws_access_key_id=\"{S}\",",
                    "    aws_secret_access_key=\"{S2}\",", ")"]),
            ("yaml", ["  aws:", "    aws_access_key_id: {S}", "    aws_secret_access_key: {S2}"])],
    "ghp": [("env", ["GITHUB_TOKEN={S}"]), ("yaml", ["    github_token: {S}"]),
            ("py", ["GH_TOKEN = \"{S}\"  # release automation"]),
            ("md", ["curl -H \"Authorization: token {S}\" https://api.github.com/repos/acme/gatehouse"])],
    "github_pat": [("sh", ["export GITHUB_TOKEN=\"{S}\""]), ("ts", ["  const ghToken = '{S}';"])],
    "glpat": [("yaml", ["    GITLAB_TOKEN: \"{S}\""]),
              ("sh", ["git clone https://oauth2:{S}@gitlab.acme-corp.example/platform/infra.git"])],
    "slack_bot": [("py", ["SLACK_BOT_TOKEN = \"{S}\""]), ("go", ["const slackToken = \"{S}\""])],
    "slack_webhook": [("js", ["const SLACK_WEBHOOK = '{S}';"]), ("yaml", ["    slack_webhook_url: {S}"])],
    "stripe": [("java", ["    private static final String STRIPE_KEY = \"{S}\";"]), ("env", ["STRIPE_SECRET_KEY={S}"]),
               ("docker", ["ENV STRIPE_API_KEY={S}"])],
    "google_api": [("js", ["  mapsApiKey: '{S}',"]), ("json", ["      \"googleApiKey\": \"{S}\","])],
    "pem": [("pem", ["{S}"]), ("py", ["PRIVATE_KEY = \"\"\"{S}\"\"\""])],
    "npm": [("npmrc", ["//registry.npmjs.org/:_authToken={S}"]), ("sh", ["export NPM_TOKEN={S}"])],
    "sendgrid": [("properties", ["mail.sendgrid.api-key={S}"]), ("py", ["SENDGRID_API_KEY = \"{S}\""])],
    "twilio": [("go", ["\ttwilioAPIKey := \"{S}\""]), ("env", ["TWILIO_API_KEY={S}"])],
    "postgres": [("env", ["DATABASE_URL={S}"]), ("properties", ["spring.datasource.url={S}"]),
                 ("tf", ["  connection_string = \"{S}\""])],
    "generic_api_key": [("py", ["api_key = \"{S}\""]), ("java", ["        String apiKey = \"{S}\";"]),
                        ("yaml", ["    api_key: \"{S}\""])],
    "generic_password": [("yaml", ["    password: \"{S}\""]), ("ini", ["password = {S}"]),
                         ("tf", ["  password = \"{S}\""])],
}
NEW_FILE_PATHS = {"pem": ("deploy/keys/<<svc>>-<<env>>.pem", "certs/<<noun>>.key"), "npmrc": ("web/.npmrc", ".npmrc")}
SECRET_MESSAGES = (
    "Rotate the CI deploy token\n\nNew value: {S}\n(the old one is revoked)",
    "Fix staging outage\n\nTemporarily using {S} until the secret store is back.",
    "Hotfix: point <<svc>> at the new database\n\nconnection: {S}",
    "Update credentials for <<svc>> {S}",
    "Add webhook for build alerts\n\nwebhook = {S}\nReviewed-by: <<author>>",
)
# in a message, a generic secret is only a secret next to its name, and an AWS key id comes with its secret key
MESSAGE_CONTEXT = {"generic_api_key": "api_key = \"{S}\"", "generic_password": "password: {S}",
                   "aws": "\naws_access_key_id = {S}\naws_secret_access_key = {S2}\n"}

# id prefix -> (where, kinds in order, branches in order)
PLAN = {
    "P": ("present",
          ["aws", "aws", "ghp", "ghp", "github_pat", "github_pat", "glpat", "glpat", "slack_bot", "slack_bot",
           "slack_webhook", "slack_webhook", "stripe", "stripe", "google_api", "google_api", "pem", "pem", "npm", "npm",
           "sendgrid", "sendgrid", "twilio", "twilio", "postgres", "postgres", "generic_api_key", "generic_api_key",
           "generic_password", "generic_password"],
          ["main"] * 12 + ["payments"] + ["main"] * 10 + ["payments"] + ["main"] * 6),
    "D": ("deleted",
          ["aws", "ghp", "github_pat", "glpat", "slack_bot", "stripe", "google_api", "pem", "npm", "sendgrid",
           "postgres", "generic_password"],
          ["main", "main", "sso", "main", "main", "hotfix", "main", "main", "eks", "main", "sso", "main"]),
    "M": ("message",
          ["ghp", "glpat", "slack_webhook", "stripe", "npm", "aws", "postgres", "generic_api_key"],
          ["main", "main", "sso", "main", "eks", "main", "hotfix", "main"]),
}

# name -> (ref, fork at, stop at (fractions of the history), share of the commits in that window).
# payments works only in its own directory and is merged into main when its window ends; the others stay
# unmerged, and the hotfix line is reachable only from its tag.
BRANCHES = {
    "payments": ("refs/heads/feature/payments-v2", 0.30, 0.42, 0.20),
    "sso": ("refs/heads/feature/sso-login", 0.55, 0.70, 0.15),
    "hotfix": ("refs/tags/v2.3.1-hotfix", 0.60, 0.606, 0.50),
    "eks": ("refs/heads/feature/terraform-eks", 0.80, 0.95, 0.15),
}
PAYMENTS_DIR = "services/payments-v2/"
RELEASE_TAGS = {"v1.0.0": 0.25, "v2.0.0": 0.50}


# ---------------------------------------------------------------------------------------------------------
# History
# ---------------------------------------------------------------------------------------------------------
class Generator:
    def __init__(self, commits, out):
        self.rng = random.Random(SEED)
        self.words = Words(self.rng)
        self.secrets = Secrets(self.rng)
        self.n = commits
        self.out = out                                   # fast-import stream (binary)
        self.trees = {"main": {}}                        # branch -> {path: File}
        self.tips = {"main": None}                       # branch -> mark of its last commit
        self.mark = 0
        self.planted = []                                # records for planted.jsonl (commit: a mark until resolved)
        self.snippets = {}                               # planted id -> (first line index, lines, came with a new file)
        self.tagged = {}                                 # release tag -> mark

    # -- schedule ---------------------------------------------------------------------------------------
    def schedule(self):
        """Which branch each commit slot belongs to, and at which slots the planted secrets go."""
        rng, n = self.rng, self.n
        self.branch_of = ["main"] * n
        for name, (_, start, stop, share) in BRANCHES.items():
            for i in range(int(start * n) + 1, int(stop * n)):
                if self.branch_of[i] == "main" and rng.random() < share:
                    self.branch_of[i] = name
        slots = {b: [] for b in ["main"] + list(BRANCHES)}
        for i, b in enumerate(self.branch_of):
            slots[b].append(i)
        self.merge_slot = next(i for i in range(int(BRANCHES["payments"][2] * n), n) if self.branch_of[i] == "main")
        self.tag_slots = {tag: next(i for i in range(int(at * n), n) if self.branch_of[i] == "main")
                          for tag, at in RELEASE_TAGS.items()}
        # moments at which a copy of main's tree is kept: a branch forks before its first commit, a tag
        # points at main after its commit
        snapshots = [slots[b][0] - 0.5 for b in BRANCHES] + [t + 0.5 for t in self.tag_slots.values()]
        self.events = {}                                 # slot -> ("plant", record) or ("remove", record)
        for prefix, (where, kinds, branches) in PLAN.items():
            for k, (kind, branch) in enumerate(zip(kinds, branches), 1):
                rec = {"id": "%s%02d" % (prefix, k), "kind": kind, "where": where, "branch": branch}
                self.planted.append(rec)
                free = [s for s in slots[branch][1:-1] if s not in self.events and s != self.merge_slot
                        and (branch != "payments" or s < self.merge_slot)]
                while True:
                    at = rng.choice(free)
                    if where != "deleted":
                        break
                    later = [s for s in free if at < s <= at + 400]
                    if later:
                        gone = rng.choice(later[:120])
                        # a deleted secret must not live on in a branch or a tag made in between
                        if branch != "main" or not any(at < t < gone for t in snapshots):
                            self.events[gone] = ("remove", rec)
                            break
                self.events[at] = ("plant", rec)

    # -- commits ----------------------------------------------------------------------------------------
    def run(self):
        self.schedule()
        for slot in range(self.n):
            branch = self.branch_of[slot]
            if branch not in self.trees:
                self.fork(branch)
            event = self.events.get(slot)
            if slot == 0:
                self.initial_commit()
            elif slot == self.merge_slot:
                self.merge("payments")
            elif event and event[0] == "plant":
                self.plant(slot, branch, event[1])
            elif event:
                self.remove(slot, branch, event[1])
            else:
                self.churn(slot, branch)
            for tag, at in self.tag_slots.items():
                if slot == at:
                    self.tagged[tag] = self.tips["main"]
        for tag, mark in self.tagged.items():
            self.tag(tag, mark)

    def fork(self, branch):
        self.trees[branch] = {p: f.copy() for p, f in self.trees["main"].items()}
        self.tips[branch] = self.tips["main"]

    def commit(self, slot, branch, message, changes, merge=None):
        """Writes one commit: changes are (path, File) to write or (path, None) to delete."""
        self.mark += 1
        name, email = AUTHORS[self.rng.randrange(len(AUTHORS) - 1)] if branch != "hotfix" else AUTHORS[-1]
        when = EPOCH + slot * 1800 + self.rng.randrange(1200)
        ref = "refs/heads/main" if branch == "main" else BRANCHES[branch][0]
        msg = message.encode()
        head = ["commit %s" % ref, "mark :%d" % self.mark, "author %s <%s> %d +0000" % (name, email, when),
                "committer %s <%s> %d +0000" % (name, email, when), "data %d" % len(msg)]
        w = self.out.write
        w(("\n".join(head) + "\n").encode() + msg + b"\n")
        if self.tips[branch]:
            w(b"from :%d\n" % self.tips[branch])
        if merge:
            w(b"merge :%d\n" % merge)
        for path, f in changes:
            if f is None:
                w(b"D %s\n" % path.encode())
            else:
                data = f.data()
                w(b"M %s inline %s\ndata %d\n" % (f.lang.mode.encode(), path.encode(), len(data)) + data + b"\n")
        w(b"\n")
        self.tips[branch] = self.mark
        return self.mark

    def tag(self, name, mark):
        msg = ("Release %s" % name).encode()
        self.out.write(b"tag %s\nfrom :%d\ntagger %s <%s> %d +0000\ndata %d\n%s\n" % (
            name.encode(), mark, AUTHORS[-1][0].encode(), AUTHORS[-1][1].encode(), EPOCH + self.n * 1800,
            len(msg), msg))

    def message(self):
        w, rng = self.words, self.rng
        msg = w.fill(rng.choice(COMMIT_MESSAGES))
        if rng.random() < 0.35:
            msg += "\n\n" + w.fill(rng.choice(COMMIT_BODIES))
        return msg

    def initial_commit(self):
        tree = self.trees["main"]
        for _ in range(80):
            path, f = self.new_file("main")
            tree[path] = f
        for path in LOCKFILES:
            names = sorted(set(NPM_NAMES) | {self.words.fill("<<noun>>-<<verb>>") for _ in range(90)})
            lines = ["{", '  "name": "%s",' % path.split("/")[-2], '  "lockfileVersion": 3,', '  "packages": {']
            for name in names:
                lines += self.lock_entry(name)
            tree[path] = File(LOCK, lines + list(LOCK.footer))
        self.commit(0, "main", "Initial import of the acme platform monorepo",
                    [(p, f) for p, f in tree.items()])

    def free_path(self, branch, templates):
        """A path from one of the templates that is not in use on the branch (payments: in its own directory;
        after many collisions, in a module directory of its own)."""
        for tries in itertools.count():
            path = self.words.fill(self.rng.choice(templates))
            if branch == "payments":
                path = PAYMENTS_DIR + path.split("/", 1)[-1]
            if tries > 20:
                path = self.words.fill("modules/<<noun>>-<<n>>/") + path
            if path not in self.trees[branch]:
                return path

    def new_file(self, branch, lang=None):
        """A fresh file of 1-40 KB (mostly a few KB)."""
        rng, w = self.rng, self.words
        lang = lang or rng.choices(LANGS, weights=[x.weight for x in LANGS])[0]
        target = min(MAX_FILE, max(1000, int(rng.lognormvariate(*FILE_SIZE))))
        lines = [w.fill(x) for x in lang.header]
        size = sum(len(x) + 1 for x in lines)
        while size < target:
            block = lang.block(w, rng)
            lines += block
            size += sum(len(x) + 1 for x in block)
        return self.free_path(branch, lang.paths), File(lang, lines + list(lang.footer))

    def editable(self, branch):
        """Paths that ordinary commits may edit (the payments branch keeps to its own directory)."""
        tree = self.trees[branch]
        return [p for p, f in tree.items() if f.lang.weight and (branch != "payments" or p.startswith(PAYMENTS_DIR))]

    def lock_entry(self, name):
        ver = self.words.fill("<<ver>>")
        return ['    "node_modules/%s": {' % name, '      "version": "%s",' % ver,
                '      "resolved": "https://registry.npmjs.org/%s/-/%s-%s.tgz",' % (name, name, ver),
                '      "integrity": "%s",' % self.words.fill("<<integrity>>"),
                '      "license": "%s"' % self.rng.choice(("MIT", "ISC", "Apache-2.0", "BSD-3-Clause")), '    },']

    def bump(self, f):
        """Upgrades 5-45 packages of a lockfile (version, tarball and integrity change); returns one of them."""
        starts = [i for i, x in enumerate(f.lines) if x.startswith('    "node_modules/')]
        for i in self.rng.sample(starts, min(len(starts), self.rng.randint(5, 45))):
            name = f.lines[i].split('"')[1].split("/", 1)[1]
            f.lines[i:i + 6] = self.lock_entry(name)
        return name

    @staticmethod
    def boundaries(f):
        """Where a block may go: after a blank line past the frozen part, or at the end before the footer."""
        end = len(f.lines) - len(f.lang.footer)
        return [i + 1 for i in range(f.frozen, end) if f.lines[i] == ""] or [max(f.frozen, end)]

    def edit(self, f):
        """1-3 edits past the frozen part: insert a block or a few lines, change or delete a few lines,
        or (rarely) rename a word throughout the file."""
        rng, w = self.rng, self.words
        for _ in range(rng.choice((1, 2, 2, 3))):
            lo, hi = f.frozen, len(f.lines) - len(f.lang.footer)
            op = rng.random()
            if op < RENAME_SHARE:
                old, new = rng.sample(NOUNS, 2)
                word = re.compile(r"\b%s\b" % old)
                f.lines[lo:hi] = [word.sub(new, x) for x in f.lines[lo:hi]]
            elif hi - lo < 2 or (op < 0.6 and sum(len(x) + 1 for x in f.lines) < MAX_FILE):
                at = rng.choice(self.boundaries(f))
                f.lines[at:at] = (f.lang.block(w, rng) if rng.random() < 0.75 else
                                  f.lang.lines(w, rng, rng.randint(1, 4)))
            elif op < 0.85 or hi - lo < 12:
                at = rng.randrange(lo, hi)
                k = min(rng.randint(1, 4), hi - at)
                f.lines[at:at + k] = f.lang.lines(w, rng, k)
            else:
                at = rng.randrange(lo, hi - 8)
                del f.lines[at:at + rng.randint(1, 8)]

    def churn(self, slot, branch, message=None):
        """An ordinary commit: mostly edits to 1-3 files, sometimes a new file or a dependency bump, rarely
        a deletion or a regenerated file. Its message is made up unless given."""
        rng, tree = self.rng, self.trees[branch]
        changes = []
        paths = self.editable(branch)
        r = rng.random()
        if r < ADD or len(paths) < 3:
            path, f = self.new_file(branch)
            tree[path] = f
            changes.append((path, f))
        elif r < ADD + DELETE and len(paths) > 100:
            victims = [p for p in paths if not tree[p].pinned]
            path = rng.choice(victims)
            del tree[path]
            changes.append((path, None))
            paths.remove(path)
        elif r < ADD + DELETE + BUMP and branch != "payments":
            path = rng.choice(LOCKFILES)
            name = self.bump(tree[path])
            changes.append((path, tree[path]))
            message = message or "Bump %s and %d other dependencies in %s" % (name, rng.randint(2, 39), path)
        elif r < ADD + DELETE + BUMP + REWRITE:
            path = rng.choice(paths)
            f = tree[path]
            size = sum(len(x) + 1 for x in f.lines[f.frozen:])
            body = []
            while sum(len(x) + 1 for x in body) < size:
                body += f.lang.block(self.words, rng)
            f.lines[f.frozen:len(f.lines) - len(f.lang.footer)] = body
            changes.append((path, f))
            paths.remove(path)
            message = message or "Regenerate %s" % path.rsplit("/", 1)[-1]
        count = rng.choice((1, 1, 2, 2, 3, 3)) if not changes else rng.choice((0, 0, 1))
        for path in rng.sample(paths, min(count, len(paths))):
            self.edit(tree[path])
            changes.append((path, tree[path]))
        return self.commit(slot, branch, message or self.message(), changes)

    def plant(self, slot, branch, rec):
        """A commit that adds one secret: to a file (new, or an existing one of the right language) or,
        for "message" secrets, to the message of an ordinary commit."""
        rng, tree, kind = self.rng, self.trees[branch], rec["kind"]
        secret, parts = self.secrets.make(kind)
        rec.update(secret=secret, parts=parts)
        if rec["where"] == "message":
            text = self.words.fill(rng.choice(SECRET_MESSAGES)).replace("{S}", MESSAGE_CONTEXT.get(kind, "{S}"))
            text = text.replace("{S}", secret).replace("{S2}", parts[0] if parts else "")
            rec.update(path=None, line=1 + text[:text.index(secret)].count("\n"),
                       end_line=1 + text[:text.index((parts or [secret])[-1])].count("\n"))
            rec["commit"] = self.churn(slot, branch, text)
            return
        lang_name, snippet = rng.choice(CONTEXTS[kind])
        snippet = [x.replace("{S}", secret).replace("{S2}", parts[0] if parts else "") for x in snippet]
        snippet = "\n".join(snippet).split("\n")        # a PEM block is several lines
        first = next(i for i, x in enumerate(snippet) if secret.split("\n")[0] in x)
        last = max(i for i, x in enumerate(snippet) if any(t.split("\n")[-1] in x for t in [secret] + parts))
        candidates = [p for p in self.editable(branch) if tree[p].lang.name == lang_name and not tree[p].pinned]
        if candidates and rng.random() < 0.6:
            path = rng.choice(candidates)
            f = tree[path]
            at = rng.choice(self.boundaries(f))
            self.snippets[rec["id"]] = (at, len(snippet), False)
        else:
            if lang_name in LANG:
                path, f = self.new_file(branch, LANG[lang_name])
                at = len(f.lang.header)
            else:                                        # a file that is only the secret (key file, .npmrc)
                path, f = self.free_path(branch, NEW_FILE_PATHS[lang_name]), File(RAW, [])
                at = 0
            tree[path] = f
            self.snippets[rec["id"]] = (at, len(snippet), True)
        f.lines[at:at] = snippet
        f.frozen, f.pinned = at + len(snippet), True
        rec.update(path=path, line=at + first + 1, end_line=at + last + 1)
        rec["commit"] = self.commit(slot, branch, self.message(), [(path, f)])

    def remove(self, slot, branch, rec):
        """Deletes the file that came with the secret, or only the secret's lines from an older file."""
        tree, path = self.trees[branch], rec["path"]
        at, length, whole_file = self.snippets[rec["id"]]
        f = tree[path]
        if whole_file:
            del tree[path]
            change = (path, None)
        else:
            del f.lines[at:at + length]
            f.frozen, f.pinned = 0, False
            change = (path, f)
        msg = self.rng.choice(("Remove hardcoded credentials from %s", "Clean up %s",
                               "Load %s settings from the environment"))
        rec["removed_in"] = self.commit(slot, branch, msg % path.rsplit("/", 1)[-1], [change])

    def merge(self, branch):
        """Merges a branch that only touched its own directory: main's tree plus the branch's files."""
        main, other = self.trees["main"], self.trees[branch]
        changes = []
        for path, f in other.items():
            if path.startswith(PAYMENTS_DIR):
                main[path] = f.copy()
                changes.append((path, main[path]))
        self.commit(self.merge_slot, "main", "Merge branch 'feature/payments-v2'", changes, merge=self.tips[branch])


# ---------------------------------------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------------------------------------
def git(repo, *args, **kw):
    return subprocess.run(["git", "-C", repo, *args], check=True, stdout=subprocess.PIPE, **kw).stdout


def check(repo, planted):
    """Present secrets are in main's HEAD tree at the recorded line; deleted and message ones at no ref's tip."""
    tips = git(repo, "for-each-ref", "--format=%(refname)").decode().split()
    needles = [rec["secret"].split("\n")[1 if rec["kind"] == "pem" else 0] for rec in planted]
    grep = subprocess.run(["git", "-C", repo, "grep", "-F", "-n", "-f", "/dev/stdin", *tips],
                          input="\n".join(needles).encode(), stdout=subprocess.PIPE, check=False).stdout.decode()
    hits = [line.split(":", 3) for line in grep.splitlines()]
    for rec, needle in zip(planted, needles):
        where = [(ref, path, int(line)) for ref, path, line, text in hits if needle in text]
        if rec["where"] == "present":
            at = [line for ref, path, line in where if ref == "refs/heads/main" and path == rec["path"]]
            if at != [rec["line"] + (rec["kind"] == "pem")]:  # a PEM block's needle is its first body line
                sys.exit("gen_secrets_repo: %s not where it was planted: %s" % (rec["id"], where))
            rec["head_line"] = rec["line"]
        elif where:
            sys.exit("gen_secrets_repo: %s is still in %s" % (rec["id"], where))


def log_patch_size(repo):
    """Bytes of `git log -p --all`, the text a diff-based scanner reads."""
    proc = subprocess.Popen(["git", "-C", repo, "log", "-p", "--all"], stdout=subprocess.PIPE)
    size = 0
    while chunk := proc.stdout.read(1 << 20):
        size += len(chunk)
    proc.wait()
    return size


def main():
    ap = argparse.ArgumentParser(description="Builds the secrets-history benchmark repository.")
    ap.add_argument("outdir", help="writes OUTDIR/repo and OUTDIR/planted.jsonl")
    ap.add_argument("--commits", type=int, default=10_500, help="number of commits (default 10,500)")
    args = ap.parse_args()
    if args.commits < 1000:
        ap.error("--commits must be at least 1000 (the branches and planted secrets need room)")
    out = os.path.abspath(args.outdir)
    repo, marks = os.path.join(out, "repo"), os.path.join(out, "marks")
    shutil.rmtree(repo, ignore_errors=True)
    os.makedirs(out, exist_ok=True)
    started = time.time()
    subprocess.run(["git", "init", "-q", "-b", "main", repo], check=True)
    # glibc's default heap trimming makes fast-import spend minutes in brk(); a large pad keeps it in seconds
    env = dict(os.environ, MALLOC_TOP_PAD_="134217728", MALLOC_TRIM_THRESHOLD_="268435456")
    proc = subprocess.Popen(["git", "-C", repo, "fast-import", "--quiet", "--export-marks=" + marks],
                            stdin=subprocess.PIPE, env=env)
    gen = Generator(args.commits, proc.stdin)
    gen.run()
    proc.stdin.close()
    if proc.wait() != 0:
        sys.exit("gen_secrets_repo: git fast-import failed")
    with open(marks) as f:
        commit_of = {int(m[1:]): sha for m, sha in (line.split() for line in f)}
    os.remove(marks)
    git(repo, "reset", "-q", "--hard", "main")
    planted = gen.planted
    for rec in planted:
        rec["commit"] = commit_of[rec["commit"]]
        if "removed_in" in rec:
            rec["removed_in"] = commit_of[rec["removed_in"]]
        branch = rec.pop("branch")
        rec["ref"] = "refs/heads/main" if branch == "main" else BRANCHES[branch][0]
    check(repo, planted)
    fields = ("id", "kind", "secret", "where", "commit", "path", "line", "end_line", "head_line", "removed_in", "ref",
              "parts")
    with open(os.path.join(out, "planted.jsonl"), "w") as f:
        for rec in planted:
            f.write(json.dumps({k: rec[k] for k in fields if k in rec}) + "\n")
    commits = int(git(repo, "rev-list", "--all", "--count"))
    print("repo:      %s (%d commits on %d refs, built in %.0f s)" % (
        repo, commits, len(git(repo, "for-each-ref").splitlines()), time.time() - started))
    print("planted:   %s (%d secrets)" % (os.path.join(out, "planted.jsonl"), len(planted)))
    size = log_patch_size(repo)
    print("git log -p --all: %.1f MB%s" % (size / 1e6, "" if size >= 100e6 else " (below the 100 MB target)"))


if __name__ == "__main__":
    main()
