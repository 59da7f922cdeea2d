package dev.margincall.protocol.aavev3;

import dev.margincall.chain.abi.Abi;
import dev.margincall.core.Address;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.DynamicStruct;
import org.web3j.abi.datatypes.StaticStruct;
import org.web3j.abi.datatypes.generated.Uint256;

/**
 * Many liquidations in one transaction through {@code FlashLiquidator.liquidateBatch} ({@code contracts/FlashLiquidator.sol}):
 * the items of each debt asset form a path, run in its own guarded call (one that fails, e.g. every item skipped, is undone
 * whole, flash loan included, and reported), one debt asset after another in the order they first appear: its flash loan (or
 * the owner's tokens), each item in its own guarded call (skipped, with its reason, when it became invalid), one swap per
 * (collateral, debt) pair, its profit checked. Built item by item; the swaps and the list of debt assets follow from the
 * items. What a mined batch did is read with {@link dev.margincall.chain.abi.BatchEvents}.
 */
public final class LiquidationBatch {

    static final String SIGNATURE = "liquidateBatch(((address,address,address,uint256,uint256,uint256)[],(address[],uint256)[],address[],uint256[],bool))";
    private static final BigInteger PRICE_SCALE = BigInteger.TEN.pow(18);

    /**
     * One liquidation: {@code minCollateral} is its guard (the collateral the plan expects at least); {@code swapPath} sells
     * its collateral for its debt asset ({@code [collateral, ..., debt]}, empty for the same asset); {@code minOutPerIn}
     * the floor price of that swap, in debt units per 10^18 collateral units.
     */
    public record Item(Address collateralAsset, Address debtAsset, Address user, BigInteger debtToCover, BigInteger minCollateral,
                       List<Address> swapPath, BigInteger minOutPerIn) {
    }

    private final List<Item> items = new ArrayList<>();
    private final Map<Address, BigInteger> minProfits = new LinkedHashMap<>();
    private final boolean fromOwner;

    /** @param fromOwner fund with the owner's tokens (approved to the contract) instead of a flash loan */
    public LiquidationBatch(boolean fromOwner) {
        this.fromOwner = fromOwner;
    }

    public LiquidationBatch add(Item item) {
        items.add(item);
        minProfits.putIfAbsent(item.debtAsset(), BigInteger.ZERO);
        return this;
    }

    /** The least profit the whole batch must leave in {@code debtAsset} (the on-chain total check). */
    public LiquidationBatch minProfit(Address debtAsset, BigInteger amount) {
        minProfits.put(debtAsset, amount);
        return this;
    }

    public List<Item> items() {
        return List.copyOf(items);
    }

    /** The calldata of {@code liquidateBatch}. */
    public String calldata() {
        List<List<Address>> swaps = new ArrayList<>();
        List<BigInteger> floors = new ArrayList<>();
        List<ItemStruct> encoded = new ArrayList<>();
        for (Item item : items) {
            int swap = swaps.indexOf(item.swapPath());
            if (swap < 0 || !floors.get(swap).equals(item.minOutPerIn())) {
                swaps.add(item.swapPath());
                floors.add(item.minOutPerIn());
                swap = swaps.size() - 1;
            }
            encoded.add(new ItemStruct(item, swap));
        }
        List<SwapStruct> swapStructs = new ArrayList<>();
        for (int k = 0; k < swaps.size(); k++) {
            swapStructs.add(new SwapStruct(swaps.get(k), floors.get(k)));
        }
        BatchStruct batch = new BatchStruct(
                new DynamicArray<>(ItemStruct.class, encoded),
                new DynamicArray<>(SwapStruct.class, swapStructs),
                addresses(List.copyOf(minProfits.keySet())),
                new DynamicArray<>(Uint256.class, minProfits.values().stream().map(Abi::uint).toList()),
                new Bool(fromOwner));
        return Abi.call(SIGNATURE, batch);
    }

    /** The floor price of a swap that must return at least {@code minOut} for {@code amountIn}: debt units per 10^18 collateral units, rounded down. */
    public static BigInteger floorPrice(BigInteger minOut, BigInteger amountIn) {
        return minOut.multiply(PRICE_SCALE).divide(amountIn);
    }

    private static DynamicArray<org.web3j.abi.datatypes.Address> addresses(List<Address> addresses) {
        return new DynamicArray<>(org.web3j.abi.datatypes.Address.class, addresses.stream().map(Abi::address).toList());
    }

    /** FlashLiquidator.Item as web3j encodes it. */
    public static final class ItemStruct extends StaticStruct {
        ItemStruct(Item item, int swap) {
            super(Abi.address(item.collateralAsset()), Abi.address(item.debtAsset()), Abi.address(item.user()), Abi.uint(item.debtToCover()),
                    Abi.uint(item.minCollateral()), Abi.uint(BigInteger.valueOf(swap)));
        }
    }

    /** FlashLiquidator.Swap. */
    public static final class SwapStruct extends DynamicStruct {
        SwapStruct(List<Address> path, BigInteger minOutPerIn) {
            super(addresses(path), Abi.uint(minOutPerIn));
        }
    }

    /** FlashLiquidator.Batch. */
    public static final class BatchStruct extends DynamicStruct {
        BatchStruct(DynamicArray<ItemStruct> items, DynamicArray<SwapStruct> swaps, DynamicArray<org.web3j.abi.datatypes.Address> debtAssets,
                    DynamicArray<Uint256> minProfits, Bool fromOwner) {
            super(items, swaps, debtAssets, minProfits, fromOwner);
        }
    }
}
