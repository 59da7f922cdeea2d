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
 */
public record AnvilOptions(int port, long chainId, long genesisTimestamp, long blockGasLimit, String forkUrl, Long forkBlockNumber) {

    public static final long DEVNET_GENESIS = 1_767_225_600L;

    public static AnvilOptions devnet() {
        return new AnvilOptions(0, 31337, DEVNET_GENESIS, 300_000_000L, null, null);
    }

    public AnvilOptions withPort(int newPort) {
        return new AnvilOptions(newPort, chainId, genesisTimestamp, blockGasLimit, forkUrl, forkBlockNumber);
    }

    /** Anvil's command-line arguments; a process binds 127.0.0.1, a container 0.0.0.0 inside its own network. */
    public List<String> arguments(String host, int boundPort) {
        List<String> args = new ArrayList<>(List.of(
                "--host", host,
                "--port", Integer.toString(boundPort),
                "--order", "fifo",
                "--gas-limit", Long.toString(blockGasLimit)));
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
