package dev.margincall.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The alert rules as Prometheus itself reads them: {@code promtool check rules} and {@code check config}
 * accept the files, and {@code promtool test rules} runs their unit tests (each alert fires when it should
 * and stays silent when it should not, with the annotations an operator reads). promtool comes with
 * Debian's {@code prometheus} package, which {@code .ci/run} installs.
 */
class AlertRulesTest {

    private static final Path DIR = Path.of("config/prometheus");

    @Test
    void promtoolAcceptsTheRulesAndTheConfig() throws Exception {
        Run rules = promtool("check", "rules", "alerts.yml");
        assertThat(rules.exit()).as(rules.output()).isZero();
        assertThat(rules.output()).contains("SUCCESS: 11 rules found");
        Run config = promtool("check", "config", "prometheus.yml");
        assertThat(config.exit()).as(config.output()).isZero();
        assertThat(config.output()).as("prometheus.yml loads the rules").contains("alerts.yml");
    }

    @Test
    void everyAlertHasUnitTestsAndTheyPass() throws Exception {
        Run test = promtool("test", "rules", "alerts.test.yml");
        assertThat(test.exit()).as(test.output()).isZero();
        assertThat(test.output()).contains("SUCCESS");
        String rules = Files.readString(DIR.resolve("alerts.yml"), StandardCharsets.UTF_8);
        String tests = Files.readString(DIR.resolve("alerts.test.yml"), StandardCharsets.UTF_8);
        List<String> alerts = names(rules, "- alert: (\\w+)");
        assertThat(alerts).hasSize(11);
        for (String alert : alerts) {
            // each alert is tested firing (an expected alert) and silent (exp_alerts: [])
            assertThat(tests).as("%s is tested", alert).containsPattern("alertname: " + alert + "\\s+exp_alerts:\\s+- exp_labels")
                    .containsPattern("alertname: " + alert + "\\s+exp_alerts: \\[\\]");
        }
        assertThat(names(rules, "description: \"(.*)\"")).as("every alert says what to do").hasSize(alerts.size())
                .allSatisfy(d -> assertThat(d.length()).isGreaterThan(80));
    }

    private static List<String> names(String text, String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(text);
        List<String> out = new ArrayList<>();
        while (matcher.find()) {
            out.add(matcher.group(1));
        }
        return out;
    }

    private record Run(int exit, String output) {
    }

    private static Run promtool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("promtool"));
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command).directory(DIR.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("promtool not found: install Debian's prometheus package (apt-get install prometheus), as .ci/run does", e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("promtool did not finish within 60 s: " + output);
        }
        return new Run(process.exitValue(), output);
    }
}
