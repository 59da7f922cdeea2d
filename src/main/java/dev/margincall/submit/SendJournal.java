package dev.margincall.submit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.jsontype.BasicPolymorphicTypeValidator;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.margincall.chain.AtomicFile;
import dev.margincall.chain.ChainJson;
import dev.margincall.core.BlockRef;
import dev.margincall.protocol.spi.Quote;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the keeper signed, written before it is sent: after a crash ({@code kill -9} included) the next
 * start finds every transaction that may be in a node's pool, tracks it again at its nonce and never
 * signs something else for that nonce. One JSON line per signed transaction, appended with a plain
 * write before {@code eth_sendRawTransaction}: the kernel keeps it whatever happens to the process, and
 * costs no disk flush on the path to the wire; {@link #sync()} flushes to the disk once per block for
 * a machine that loses power. Rewritten whole ({@link #rewrite}) with only what is still in flight.
 * The file holds signed transactions and their plans, never the key.
 */
public final class SendJournal implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SendJournal.class);
    /**
     * The project's JSON mapping, plus the concrete class of each plan's quote (an interface the protocols
     * implement), restricted to our own classes when read back.
     */
    private static final ObjectMapper MAPPER = ChainJson.MAPPER.copy().addMixIn(Quote.class, TypedQuote.class)
            .setPolymorphicTypeValidator(BasicPolymorphicTypeValidator.builder().allowIfSubType("dev.margincall.").build());
    private static final ObjectWriter LINE = MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT);

    @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS, include = JsonTypeInfo.As.PROPERTY, property = "@type")
    private interface TypedQuote {
    }

    /**
     * One signed transaction.
     *
     * @param cancel      a 0-value self-transfer that takes the nonce of a transaction that is no longer wanted
     * @param block       the head it was sent at
     * @param blockHash   that head's hash: which history it was sent on (null in lines written before it was recorded)
     * @param liquidation only in lines written before batches existed (one liquidation per transaction): read as {@code submission}
     * @param submission  the transaction this nonce belongs to (also on its cancellation)
     */
    public record Entry(long nonce, String hash, String raw, Fees fees, boolean cancel, BigInteger gasLimit, long block,
                        @JsonInclude(JsonInclude.Include.NON_NULL) String blockHash,
                        @JsonInclude(JsonInclude.Include.NON_NULL) Liquidation liquidation, Submission submission) {

        public Entry {
            if (submission == null && liquidation != null) {
                submission = Submission.single(liquidation); // a journal of the previous version, read after an upgrade
            }
            liquidation = null;
        }

        public Entry(long nonce, String hash, String raw, Fees fees, boolean cancel, BigInteger gasLimit, BlockRef head, Submission submission) {
            this(nonce, hash, raw, fees, cancel, gasLimit, head.number(), head.hash(), null, submission);
        }

        /** The head it was sent at, if its hash was recorded. */
        public java.util.Optional<BlockRef> head() {
            return blockHash == null ? java.util.Optional.empty() : java.util.Optional.of(new BlockRef(block, blockHash));
        }
    }

    private final Path file;
    private final List<Entry> recovered;
    private FileChannel channel;
    private int lines;

    private SendJournal(Path file, List<Entry> recovered) {
        this.file = file;
        this.recovered = List.copyOf(recovered);
        this.lines = recovered.size();
    }

    /** A journal that keeps nothing: for one-off commands and tests that do not restart. */
    public static SendJournal none() {
        return new SendJournal(null, List.of());
    }

    /** Opens (or creates) the journal at {@code file}; what it held is {@link #recovered()}. */
    public static SendJournal open(Path file) {
        List<Entry> entries = new ArrayList<>();
        if (Files.exists(file)) {
            try {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i);
                    if (line.isBlank()) {
                        continue;
                    }
                    try {
                        entries.add(MAPPER.readValue(line, Entry.class));
                    } catch (JsonProcessingException e) {
                        if (i < lines.size() - 1) {
                            throw new IllegalStateException("send journal " + file + " line " + (i + 1) + " cannot be read (" + e.getOriginalMessage()
                                    + "): it records transactions that may still be pending; fix or move the file away once the signer's "
                                    + "pending transactions are settled");
                        }
                        log.warn("send journal {}: the last line was cut off by a crash while it was written; its transaction was not sent", file);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the send journal " + file + ": " + e.getMessage(), e);
            }
        }
        return new SendJournal(file, entries);
    }

    /** The entries found when the journal was opened. */
    public List<Entry> recovered() {
        return recovered;
    }

    /** Lines written since the journal was last rewritten (or opened). */
    public int lines() {
        return lines;
    }

    /** Appends one entry: returns once the line is in the file (the kernel's), before the caller sends. */
    public synchronized void append(Entry entry) {
        if (file == null) {
            return;
        }
        try {
            openChannel();
            byte[] line = (LINE.writeValueAsString(entry) + "\n").getBytes(StandardCharsets.UTF_8);
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(line);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            lines++;
        } catch (IOException e) {
            // not sent without its record: the caller's send fails, the nonce is taken again from the chain
            throw new UncheckedIOException("cannot write the send journal " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Builds the serializers of an entry's declared types now: the first line written by a process otherwise pays for
     * them (measured: 136 ms for the first batch of a bench run, then about 1 ms), between a crash's head and the wire.
     * The quote's own class is known only with the first plan. And opens the file for appending: the first line would
     * otherwise open it (and create it), between a crash's head and the wire too.
     */
    public synchronized void warmUp() {
        if (file != null) {
            try {
                openChannel();
            } catch (IOException e) {
                // the first line tries again, and fails the send that needs it if the file still cannot be written
                log.warn("cannot open the send journal {} for writing: {}; fix its directory's permissions or the disk", file, e.getMessage());
            }
        }
        try {
            // builds and caches the serializers of the entry's record types, plans included
            MAPPER.getSerializerProviderInstance().findValueSerializer(Entry.class);
            LINE.writeValueAsString(new Entry(0, "0x", "0x", new Fees(BigInteger.ONE, BigInteger.ONE), true, BigInteger.ONE, new BlockRef(0, "0x"), null));
        } catch (JsonProcessingException | RuntimeException e) {
            log.debug("send journal warm-up: {}", e.getMessage()); // an optimization only: the first real line pays instead
        }
    }

    /** The line {@code entry} would be, built and dropped: warms the serializers of its plans' own types (a rehearsal). */
    void serialize(Entry entry) {
        try {
            LINE.writeValueAsString(entry);
        } catch (JsonProcessingException | RuntimeException e) {
            log.debug("send journal rehearsal: {}", e.getMessage());
        }
    }

    /**
     * Keeps a copy of the journal as it is beside it ({@code <file>.<suffix>}), before a rewrite drops entries that are
     * not in flight on this chain (another history): what was signed stays on record for the operator. The copy's path;
     * empty for a journal that keeps nothing.
     */
    public synchronized Optional<Path> copyAside(String suffix) {
        if (file == null || !Files.exists(file)) {
            return Optional.empty();
        }
        Path copy = file.resolveSibling(file.getFileName() + "." + suffix);
        try {
            Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
            return Optional.of(copy);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the send journal " + file + " to " + copy + ": " + e.getMessage()
                    + "; free disk space or fix the state directory's permissions", e);
        }
    }

    /** Flushes the appended lines to the disk (once per block, after the sends). */
    public synchronized void sync() {
        if (channel == null) {
            return;
        }
        try {
            channel.force(false);
        } catch (IOException e) {
            log.warn("could not flush the send journal {}: {}", file, e.getMessage());
        }
    }

    /** Replaces the journal by {@code entries} (what is still in flight), atomically. */
    public synchronized void rewrite(List<Entry> entries) {
        if (file == null) {
            return;
        }
        StringBuilder content = new StringBuilder();
        try {
            for (Entry entry : entries) {
                content.append(LINE.writeValueAsString(entry)).append('\n');
            }
            closeChannel();
            AtomicFile.write(file, content.toString());
            lines = entries.size();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite the send journal " + file + ": " + e.getMessage(), e);
        }
        try {
            openChannel(); // the new file, opened now rather than by the next line, which may be a crash's first
        } catch (IOException e) {
            log.warn("cannot reopen the send journal {} after rewriting it: {}; the next line tries again", file, e.getMessage());
        }
    }

    /** The file open for appending (created if it is not there), if it is not open already. */
    private void openChannel() throws IOException {
        if (channel == null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        }
    }

    private void closeChannel() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }

    @Override
    public synchronized void close() {
        try {
            sync();
            closeChannel();
        } catch (IOException e) {
            log.warn("could not close the send journal {}: {}", file, e.getMessage());
        }
    }
}
