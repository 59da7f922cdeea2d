package dev.margincall.bench;

import dev.margincall.chain.BlockHeader;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.LogEntry;
import dev.margincall.chain.logs.EventHistory;
import dev.margincall.chain.logs.FileCheckpointStore;
import dev.margincall.chain.logs.LogQuery;
import dev.margincall.chain.logs.LogSink;
import dev.margincall.chain.logs.LogStream;
import dev.margincall.chain.web3j.Web3jDevChain;
import dev.margincall.core.BlockRef;
import dev.margincall.devnet.AnvilOptions;
import dev.margincall.devnet.AnvilProcess;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Backfill throughput from a local Anvil: blocks/s and logs/s of {@link LogStream} with the default
 * provider-safe settings (2,000-block ranges, checkpoint after every range). A benchmark, not a test:
 *
 * <pre>bin/mvn -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.margincall.bench.BackfillBenchmark [-Dexec.args="ROUNDS RUNS"]</pre>
 */
public final class BackfillBenchmark {

    private BackfillBenchmark() {
    }

    /** Counts what it is given; keeps no state (the stream still writes a checkpoint per range). */
    static final class CountingSink implements LogSink {
        long logs;

        @Override
        public void onLogs(BlockRef upTo, List<LogEntry> delivered) {
            logs += delivered.size();
        }

        @Override
        public void onRollback(BlockRef commonAncestor, List<LogEntry> retracted) {
            logs -= retracted.size();
        }

        @Override
        public String snapshot() {
            return Long.toString(logs);
        }

        @Override
        public void restore(String snapshot) {
            logs = Long.parseLong(snapshot);
        }
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        try (AnvilProcess anvil = AnvilProcess.start(AnvilOptions.devnet()); Web3jDevChain chain = new Web3jDevChain(anvil.rpcUrl())) {
            long building = System.nanoTime();
            EventHistory history = new EventHistory(chain);
            history.grow(rounds, 99, 0, 25); // 100 blocks a round, 50 transfers in the first
            BlockHeader head = chain.block(BlockTag.LATEST);
            System.out.printf("chain: %d blocks, built in %.1f s%n", head.number(), (System.nanoTime() - building) / 1e9);

            List<Double> blocksPerSecond = new ArrayList<>();
            List<Double> logsPerSecond = new ArrayList<>();
            for (int run = 0; run < runs; run++) {
                Path dir = Files.createTempDirectory("backfill-bench");
                CountingSink sink = new CountingSink();
                LogStream stream = new LogStream(chain, new LogQuery(history.tokens, List.of(EventHistory.TRANSFER)),
                        new FileCheckpointStore(dir.resolve("cp.json")), sink, LogStream.Settings.defaults(0), new SimpleMeterRegistry());
                long start = System.nanoTime();
                stream.start();
                stream.advanceTo(head);
                double seconds = (System.nanoTime() - start) / 1e9;
                blocksPerSecond.add(head.number() / seconds);
                logsPerSecond.add(sink.logs / seconds);
                System.out.printf("run %d: %.2f s, %,.0f blocks/s, %,.0f logs/s (%d logs)%n", run + 1, seconds,
                        head.number() / seconds, sink.logs / seconds, sink.logs);
            }
            System.out.printf("median of %d runs: %,.0f blocks/s, %,.0f logs/s%n", runs, median(blocksPerSecond), median(logsPerSecond));
        }
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
