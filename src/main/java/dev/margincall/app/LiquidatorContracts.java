package dev.margincall.app;

import dev.margincall.app.config.KeeperConfig;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.CallRequest;
import dev.margincall.chain.EthRpc;
import dev.margincall.chain.abi.Abi;
import dev.margincall.core.Address;
import dev.margincall.protocol.aavev3.FlashLiquidator;
import dev.margincall.protocol.morphoblue.MorphoLiquidator;

/**
 * Our liquidator contract for each protocol type, as the composition root deploys and checks it: FlashLiquidator for an
 * aave-v3 entry (bound to one Pool), MorphoLiquidator for a morpho-blue entry (bound to one Morpho contract).
 */
final class LiquidatorContracts {

    private LiquidatorContracts() {
    }

    /** The contract's name, for messages and deploy descriptions. */
    static String name(KeeperConfig.Protocol protocol) {
        return protocol.morphoBlue().isPresent() ? "MorphoLiquidator" : "FlashLiquidator";
    }

    /** Init code and constructor arguments of the contract serving {@code protocol}, selling on {@code router}. */
    static String deployData(KeeperConfig.Protocol protocol, Address router) {
        return protocol.morphoBlue().isPresent()
                ? MorphoLiquidator.deployData(protocol.morphoBlue().get().morpho(), router)
                : FlashLiquidator.deployData(protocol.poolAddressesProvider(), router);
    }

    /**
     * The protocol contract the liquidator at {@code liquidator} is bound to (the Aave Pool, or Morpho): what it liquidates
     * on, and what the market's wallet path approves.
     */
    static Address servedContract(EthRpc rpc, Address liquidator, KeeperConfig.Protocol protocol, BlockTag tag) {
        String call = protocol.morphoBlue().isPresent() ? MorphoLiquidator.morpho() : FlashLiquidator.pool();
        return Abi.decodeAddress(rpc.call(CallRequest.call(liquidator, call), tag));
    }
}
