package dev.margincall.app.config;

import dev.margincall.core.Address;
import java.util.List;
import java.util.Optional;

/** The parts of the YAML configuration read so far (chain and protocols); later issues add sections. */
public record KeeperConfig(Chain chain, List<Protocol> protocols) {

    /**
     * @param multicall3     Multicall3 address; the canonical one by default
     * @param confirmations  blocks after which a block is final for the log backfill
     */
    public record Chain(long id, List<String> rpc, Optional<String> ws, Address multicall3, int confirmations, int maxReorgDepth) {
    }

    /** One lending market to watch. {@code type} is "aave-v3" for now. */
    public record Protocol(String type, Address poolAddressesProvider, long startBlock) {
    }
}
