package dev.margincall.devnet;

import java.util.ArrayList;
import java.util.List;

/**
 * How to start Anvil. The devnet defaults make every run identical: fixed genesis time, chain id,
 * and FIFO ordering (a pool of setup transactions is mined in the order it was sent).
 *
 * @param port              0 picks a free port on 127.0.0.1
 * @param genesisTimestamp  2026-01-01T00:00:00Z by default
 * @param blockGasLimit     room for the batched setup blocks; real chains use 30–45M
 * @param forkUrl           null for a fresh chain; an RPC URL for fork mode
 * @param stateHistory      past blocks whose state Anvil keeps (in memory, none on disk); null: Anvil's default
 */
public record AnvilOptions(int port, long chainId, long genesisTimestamp, long blockGasLimit, String forkUrl, Long forkBlockNumber,
                           Integer stateHistory) {

    public static final long DEVNET_GENESIS = 1_767_225_600L;
    /** Up to this many borrowers the devnet keeps Anvil's default state history (what every test and the 10k bench ran on). */
    static final int LARGE_DEVNET_BORROWERS = 10_000;
    /**
     * The states a larger devnet keeps. The bench reads its ground truth there during the run, 2 blocks back at most; the
     * naive keeper reads every account at the head it is working on, which at 100,000 borrowers took it up to 60 s (head
     * to plan, p99), while the bench mines up to a block a second. Fewer states would not bring Anvil under 9 GB there
     * anyway: the mined setup transactions take about 8.7 GB of its 14.
     */
    static final int LARGE_DEVNET_STATES = 48;

    public static AnvilOptions devnet() {
        return new AnvilOptions(0, 31337, DEVNET_GENESIS, 300_000_000L, null, null, null);
    }

    /**
     * The devnet for {@code borrowers} positions. Anvil 1.7.1 keeps a full copy of the state for every past block it can
     * serve (each mined block clones the whole in-memory database): about 1 KB per borrower each (measured after seeding
     * 10,000 borrowers: Anvil 1,352 MB with 48 states, 910 MB with 2). At 100,000 its default history outgrew this
     * machine's memory within the seeding (13 GB after 350 of 750 blocks); a larger devnet keeps
     * {@link #LARGE_DEVNET_STATES} states, about 4.6 GB at 100,000. The rest does not depend on the history: about
     * 87 KB per borrower (145 MB at 1,000 borrowers, 302 MB at 3,000, 910 MB at 10,000, with 2 states), the mined setup
     * transactions with their receipts and call traces, which the keeper's backfill reads the logs of. Interval mining
     * lifts the cap: see the bench's {@code BenchBlocks}.
     */
    public static AnvilOptions devnetFor(long borrowers) {
        return borrowers > LARGE_DEVNET_BORROWERS ? devnet().withStateHistory(LARGE_DEVNET_STATES) : devnet();
    }

    public AnvilOptions withPort(int newPort) {
        return new AnvilOptions(newPort, chainId, genesisTimestamp, blockGasLimit, forkUrl, forkBlockNumber, stateHistory);
    }

    public AnvilOptions withStateHistory(Integer states) {
        return new AnvilOptions(port, chainId, genesisTimestamp, blockGasLimit, forkUrl, forkBlockNumber, states);
    }

    /** Anvil's command-line arguments; a process binds 127.0.0.1, a container 0.0.0.0 inside its own network. */
    public List<String> arguments(String host, int boundPort) {
        List<String> args = new ArrayList<>(List.of(
                "--host", host,
                "--port", Integer.toString(boundPort),
                "--order", "fifo",
                "--gas-limit", Long.toString(blockGasLimit)));
        if (stateHistory != null) {
            args.addAll(List.of("--prune-history", stateHistory.toString()));
        }
        if (forkUrl == null) {
            args.addAll(List.of("--chain-id", Long.toString(chainId), "--timestamp", Long.toString(genesisTimestamp)));
        } else {
            args.addAll(List.of("--fork-url", forkUrl));
            if (forkBlockNumber != null) {
                args.addAll(List.of("--fork-block-number", forkBlockNumber.toString()));
            }
        }
        return args;
    }
}
