package dev.margincall.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The demo, as a real process (bin/margin-call), signing with a fresh private key from MC_PRIVATE_KEY:
 * the key, hex with and without 0x, in either case, appears in no output line and no file the run
 * wrote (its temporary directory holds the keeper's checkpoint and the chain's log; deployment.json).
 */
class KeyLeakIT {

    @Test
    void theDemoLiquidatesAndThePrivateKeyAppearsNowhere() throws Exception {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        secret[0] = 0x11; // clearly below the curve order
        String key = HexFormat.of().formatHex(secret);
        Path work = Files.createTempDirectory("key-leak");
        Path tmp = Files.createDirectories(work.resolve("tmp"));
        ProcessBuilder builder = new ProcessBuilder(Path.of("bin", "margin-call").toAbsolutePath().toString(), "demo", "--users", "60",
                "--out", work.resolve("deployment.json").toString(), "--report-out", work.resolve("report").toString()).redirectErrorStream(true);
        builder.environment().put("MC_PRIVATE_KEY", "0x" + key);
        builder.environment().put("JAVA_TOOL_OPTIONS", "-Djava.io.tmpdir=" + tmp);
        long started = System.nanoTime();
        Process process = builder.start();
        String output;
        try {
            output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(180, TimeUnit.SECONDS)).isTrue();
        } finally {
            process.destroyForcibly();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        assertThat(process.exitValue()).as(output).isZero();
        Matcher mined = Pattern.compile("liquidations mined\\s+(\\d+)").matcher(output);
        assertThat(mined.find()).as(output).isTrue();
        assertThat(Integer.parseInt(mined.group(1))).as("the demo's keeper liquidated").isPositive();
        System.out.printf("demo with 60 borrowers: %.1f s, %s liquidations%n", seconds, mined.group(1));

        List<String> forms = List.of(key, key.toUpperCase(Locale.ROOT), "0x" + key);
        List<Path> written;
        try (Stream<Path> files = Files.walk(work)) {
            written = files.filter(Files::isRegularFile).toList();
        }
        assertThat(written).as("files the run wrote").isNotEmpty();
        for (String form : forms) {
            assertThat(output).as("process output").doesNotContain(form);
            for (Path file : written) {
                assertThat(Files.readString(file, StandardCharsets.ISO_8859_1)).as("file %s", file).doesNotContain(form);
            }
        }
    }
}
