package dev.margincall.submit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.margincall.core.Address;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SendJournalTest {

    private static final Address TARGET = Address.of("0x00000000000000000000000000000000000000aa");

    @TempDir
    Path dir;

    private static SendJournal.Entry entry(long nonce, boolean cancel) {
        Liquidation liquidation = new Liquidation(null, TARGET, "0x1234", BigInteger.TEN.pow(18), BigInteger.ONE);
        return new SendJournal.Entry(nonce, "0xhash" + nonce, "0xraw" + nonce, new Fees(BigInteger.valueOf(3), BigInteger.TWO), cancel,
                BigInteger.valueOf(500_000), new dev.margincall.core.BlockRef(42, "0x42"), Submission.single(liquidation));
    }

    @Test
    void entriesWrittenBeforeAKillAreReadBackExactly() {
        Path file = dir.resolve("sent.jsonl");
        SendJournal journal = SendJournal.open(file);
        journal.append(entry(7, false));
        journal.append(entry(7, true));
        journal.append(entry(8, false));
        // no close, no sync: the process "dies" here

        List<SendJournal.Entry> recovered = SendJournal.open(file).recovered();
        assertThat(recovered).containsExactly(entry(7, false), entry(7, true), entry(8, false));
    }

    @Test
    void aLastLineCutOffByTheCrashIsDroppedButACorruptEarlierLineIsAnError() throws Exception {
        Path file = dir.resolve("sent.jsonl");
        SendJournal journal = SendJournal.open(file);
        journal.append(entry(1, false));
        journal.close();
        Files.writeString(file, "{\"nonce\":2,\"hash\":\"0x", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        assertThat(SendJournal.open(file).recovered()).containsExactly(entry(1, false));

        Files.writeString(file, "garbage\n" + Files.readString(file).lines().findFirst().orElseThrow() + "\n");
        assertThatThrownBy(() -> SendJournal.open(file)).hasMessageContaining("line 1").hasMessageContaining("move the file away");
    }

    @Test
    void aLineOfThePreviousFormatOneLiquidationPerTransactionIsReadAsASingleSubmission() throws Exception {
        // what the journal wrote before batches: the transaction's liquidation under "liquidation", no "submission"
        String previous = "{\"nonce\":5,\"hash\":\"0xhash5\",\"raw\":\"0xraw5\",\"fees\":{\"maxFeePerGas\":3,\"maxPriorityFeePerGas\":2},"
                + "\"cancel\":false,\"gasLimit\":500000,\"block\":42,\"liquidation\":{\"plan\":null,\"to\":\"" + TARGET
                + "\",\"data\":\"0x1234\",\"grossProfitWei\":1000000000000000000,\"minProfitWei\":1}}";
        Path file = dir.resolve("sent.jsonl");
        Files.writeString(file, previous + "\n", StandardCharsets.UTF_8);

        List<SendJournal.Entry> recovered = SendJournal.open(file).recovered();

        assertThat(recovered).singleElement().usingRecursiveComparison().ignoringFields("blockHash").isEqualTo(entry(5, false));
        assertThat(recovered.get(0).head()).as("no hash recorded then: which history is not known").isEmpty();
        assertThat(recovered.get(0).submission().batch()).isFalse();
        assertThat(Files.readString(file)).as("read, not rewritten").isEqualTo(previous + "\n");
    }

    @Test
    void rewriteKeepsOnlyWhatIsStillInFlight() {
        Path file = dir.resolve("sent.jsonl");
        SendJournal journal = SendJournal.open(file);
        for (long nonce = 0; nonce < 5; nonce++) {
            journal.append(entry(nonce, false));
        }
        assertThat(journal.lines()).isEqualTo(5);
        journal.rewrite(List.of(entry(4, false)));
        journal.append(entry(5, false));
        journal.close();
        assertThat(journal.lines()).isEqualTo(2);
        assertThat(SendJournal.open(file).recovered()).containsExactly(entry(4, false), entry(5, false));
    }

    /** The warm-up at start opens (and creates) the file, so that a crash's first line does not; a journal that held lines keeps them. */
    @Test
    void theWarmUpOpensTheFileBeforeTheFirstLineAndKeepsWhatItHeld() {
        Path file = dir.resolve("state").resolve("sent.jsonl");
        SendJournal fresh = SendJournal.open(file);
        fresh.warmUp();
        assertThat(file).as("created at the warm-up, its directory too").exists().isEmptyFile();
        fresh.append(entry(1, false));
        fresh.close();

        SendJournal reopened = SendJournal.open(file);
        reopened.warmUp();
        reopened.append(entry(2, false));
        reopened.close();
        assertThat(SendJournal.open(file).recovered()).containsExactly(entry(1, false), entry(2, false));
    }

    @Test
    void theNoneJournalWritesNothing() {
        SendJournal none = SendJournal.none();
        none.warmUp();
        none.append(entry(1, false));
        none.rewrite(List.of(entry(1, false)));
        none.close();
        assertThat(none.recovered()).isEmpty();
        assertThat(dir.toFile().list()).isEmpty();
    }
}
