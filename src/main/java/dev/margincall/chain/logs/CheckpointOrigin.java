package dev.margincall.chain.logs;

import dev.margincall.chain.BlockTag;
import dev.margincall.chain.EthRpc;
import dev.margincall.core.BlockRef;
import java.util.Optional;

/**
 * Whether a checkpoint was written on the history we are connected to: same chain id, same genesis,
 * and its last final block still there with the same hash. Anvil restarted with a fixed genesis time
 * keeps the id, the genesis hash and (deterministic deployments) the contract addresses, so the final
 * block's hash is what tells its new history from the old one. Unconfirmed blocks are not checked here:
 * a difference there is an ordinary reorg, which {@link LogStream} rolls back.
 */
final class CheckpointOrigin {

    private CheckpointOrigin() {
    }

    /** Why {@code checkpoint} belongs to another history than the chain behind {@code rpc}, or empty when it is this one's. */
    static Optional<String> mismatch(Checkpoint checkpoint, Checkpoint.ChainIdentity here, EthRpc rpc) {
        Checkpoint.ChainIdentity there = checkpoint.chain();
        if (there != null && there.chainId() != here.chainId()) {
            return Optional.of("it is for chain id " + there.chainId() + ", the RPC endpoint serves chain id " + here.chainId());
        }
        if (there != null && !there.genesisHash().equalsIgnoreCase(here.genesisHash())) {
            return Optional.of(otherHash(0, there.genesisHash(), here.genesisHash()));
        }
        BlockRef finalized = checkpoint.finalized();
        if (finalized == null) {
            return Optional.empty(); // nothing was final: every delivered block is re-checked as a possible reorg
        }
        long head = rpc.blockNumber();
        if (finalized.number() > head) {
            return Optional.of("block " + finalized.number() + " was final there, this chain ends at block " + head);
        }
        String hash = rpc.block(BlockTag.number(finalized.number())).hash();
        if (!hash.equalsIgnoreCase(finalized.hash())) {
            return Optional.of(otherHash(finalized.number(), finalized.hash(), hash));
        }
        return Optional.empty();
    }

    private static String otherHash(long block, String there, String here) {
        return "block " + block + " has hash " + there + " there, " + here + " here";
    }
}
