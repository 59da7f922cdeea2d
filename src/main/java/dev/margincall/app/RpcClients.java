package dev.margincall.app;

import dev.margincall.app.config.ChainMismatchException;
import dev.margincall.app.config.KeeperConfig;
import dev.margincall.chain.EthRpc;
import dev.margincall.chain.MeteredEthRpc;
import dev.margincall.chain.ResilientEthRpc;
import dev.margincall.chain.RpcPolicy;
import dev.margincall.chain.web3j.Web3jEthRpc;
import io.micrometer.core.instrument.MeterRegistry;

/** Builds the keeper's RPC client from the config: every endpoint metered, all behind one resilient client. */
final class RpcClients {

    private RpcClients() {
    }

    static ResilientEthRpc create(KeeperConfig.Chain chain, MeterRegistry registry) {
        return new ResilientEthRpc(chain.rpc().stream().map(url -> new MeteredEthRpc(new Web3jEthRpc(url), registry)).toList(),
                RpcPolicy.defaults(), registry);
    }

    /** Refuses to go on when the endpoints serve another chain than the configured one. */
    static void requireChainId(EthRpc rpc, long expected) {
        long actual = rpc.chainId();
        if (actual != expected) {
            throw new ChainMismatchException("the RPC endpoint " + rpc.endpointName() + " serves chain id " + actual
                    + " but the configuration says chain.id " + expected + ": point chain.rpc at the right network or fix chain.id");
        }
    }
}
