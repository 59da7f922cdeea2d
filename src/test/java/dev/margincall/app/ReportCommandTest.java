package dev.margincall.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code report}'s bad input: exit code 2, one message naming what is wrong, no stack trace, nothing written. */
class ReportCommandTest {

    private static void assertBadUsage(CommandLineIT.Run run, String... mentions) {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(MarginCall.BAD_USAGE);
        assertThat(run.err()).contains(mentions).doesNotContain("Exception", "\tat ");
    }

    @Test
    void badStepsAreRefusedBeforeAnythingIsRead(@TempDir Path dir) {
        assertBadUsage(CommandLineIT.run("report", "--config", dir.resolve("none.yaml").toString(), "--step", "0"), "0 < step");
        assertBadUsage(CommandLineIT.run("report", "--config", dir.resolve("none.yaml").toString(), "--max-drop", "100"), "max < 100 %");
        assertBadUsage(CommandLineIT.run("report", "--config", dir.resolve("none.yaml").toString(), "--cascade-drops", "0"), "cascade drops");
        assertBadUsage(CommandLineIT.run("report", "--config", dir.resolve("none.yaml").toString(), "--oracle-lag-rounds", "0"), "oracle lag");
        assertBadUsage(CommandLineIT.run("report", "--config", dir.resolve("none.yaml").toString(), "--uniswap-v2-router", "0x12"),
                "--uniswap-v2-router");
        assertThat(dir.resolve("report")).doesNotExist();
    }

    @Test
    void aMissingConfigIsNamed(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("missing.yaml");
        assertBadUsage(CommandLineIT.run("report", "--config", missing.toString(), "--out", dir.resolve("out").toString()), "missing.yaml");
        Files.writeString(dir.resolve("broken.yaml"), "chain: [\n");
        assertBadUsage(CommandLineIT.run("report", "--config", dir.resolve("broken.yaml").toString()), "broken.yaml");
        assertThat(dir.resolve("out")).doesNotExist();
    }
}
