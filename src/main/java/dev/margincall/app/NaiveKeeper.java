package dev.margincall.app;

import dev.margincall.chain.BlockHeader;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.CallRequest;
import dev.margincall.chain.EthRpc;
import dev.margincall.chain.abi.Abi;
import dev.margincall.chain.abi.Words;
import dev.margincall.core.Address;
import dev.margincall.protocol.aavev3.AaveV3Calls;
import dev.margincall.submit.TransactionSigner;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The bench's baseline: a liquidation bot written the way simple bots are. It polls the block number;
 * on every new block it asks the Pool for {@code getUserAccountData} of every known account (one
 * {@code eth_call} per account, sent as JSON-RPC batches), and for each account below a health factor
 * of 1 it reads {@code getUserReserveData} of every reserve and the oracle prices, picks the largest
 * collateral and the largest debt, and sends a wallet-funded {@code liquidationCall} with
 * {@code debtToCover = max} and a fixed gas limit: no local state, no simulation, no profit check, no
 * in-flight tracking (an account still below 1 next block gets another transaction).
 *
 * <p>It lives in the main sources because {@code margin-call bench} runs it from the jar; nothing in
 * the keeper uses it.
 */
public final class NaiveKeeper extends PollingNaiveBot {

    private static final BigInteger WAD = BigInteger.TEN.pow(18);
    private static final BigInteger MAX_UINT256 = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);

    /** What the bench observes: a head seen, a liquidation decided, a transaction on the wire ({@link System#nanoTime()}). */
    public interface Probe {
        void block(long number, long seenNanos);

        void planned(Address account, long headBlock, long nanos);

        void sent(Address account, long headBlock, long nanos);
    }

    /**
     * @param decimals  token decimals by reserve asset (every reserve of the market)
     * @param batchSize accounts per JSON-RPC batch (one HTTP request each)
     */
    public record Settings(long chainId, Address pool, Address dataProvider, Address oracle, Map<Address, Integer> decimals,
                           long gasLimit, BigInteger tipWei, int batchSize, Duration pollInterval) {
    }

    private final List<Address> accounts;
    private final List<Address> assets;
    private final Settings settings;

    public NaiveKeeper(EthRpc rpc, TransactionSigner signer, List<Address> accounts, Settings settings, Probe probe) {
        super("naive-keeper", rpc, signer, settings.chainId(), settings.pollInterval(), probe);
        this.accounts = List.copyOf(accounts);
        this.assets = List.copyOf(settings.decimals().keySet());
        this.settings = settings;
    }

    @Override
    protected void onBlock(long number, long seenNanos) {
        probe().block(number, seenNanos);
        BlockTag tag = BlockTag.number(number);
        BlockHeader header = rpc.block(tag);
        List<CallRequest> requests = accounts.stream()
                .map(a -> CallRequest.call(settings.pool(), Abi.call("getUserAccountData(address)", Abi.address(a)))).toList();
        List<String> answers = new ArrayList<>(requests.size());
        for (int from = 0; from < requests.size(); from += settings.batchSize()) {
            answers.addAll(rpc.calls(requests.subList(from, Math.min(requests.size(), from + settings.batchSize())), tag));
        }
        List<Address> liquidatable = new ArrayList<>();
        for (int i = 0; i < accounts.size(); i++) {
            String data = answers.get(i);
            if (Words.uint(data, 1).signum() > 0 && Words.uint(data, 5).compareTo(WAD) < 0) {
                liquidatable.add(accounts.get(i));
            }
        }
        if (liquidatable.isEmpty()) {
            return;
        }
        // which collateral and which debt: every reserve of every liquidatable account, and the prices
        List<CallRequest> reads = new ArrayList<>();
        for (Address asset : assets) {
            reads.add(CallRequest.call(settings.oracle(), Abi.call("getAssetPrice(address)", Abi.address(asset))));
        }
        for (Address user : liquidatable) {
            for (Address asset : assets) {
                reads.add(CallRequest.call(settings.dataProvider(), Abi.call("getUserReserveData(address,address)", Abi.address(asset), Abi.address(user))));
            }
        }
        List<String> read = rpc.calls(reads, tag);
        BigInteger maxFee = header.baseFeePerGas().multiply(BigInteger.TWO).add(settings.tipWei());
        int n = assets.size();
        for (int u = 0; u < liquidatable.size(); u++) {
            Address user = liquidatable.get(u);
            Address collateral = null;
            Address debt = null;
            BigInteger bestCollateral = BigInteger.ZERO;
            BigInteger bestDebt = BigInteger.ZERO;
            for (int a = 0; a < n; a++) {
                String reserve = read.get(n + u * n + a);
                BigInteger unit = BigInteger.TEN.pow(settings.decimals().get(assets.get(a)));
                BigInteger price = Abi.decodeUint(read.get(a));
                BigInteger collateralValue = Words.uint(reserve, 0).multiply(price).divide(unit);
                BigInteger debtValue = Words.uint(reserve, 1).add(Words.uint(reserve, 2)).multiply(price).divide(unit);
                if (Words.uint(reserve, 8).signum() > 0 && collateralValue.compareTo(bestCollateral) > 0) {
                    bestCollateral = collateralValue;
                    collateral = assets.get(a);
                }
                if (debtValue.compareTo(bestDebt) > 0) {
                    bestDebt = debtValue;
                    debt = assets.get(a);
                }
            }
            if (collateral == null || debt == null) {
                continue;
            }
            probe().planned(user, number, System.nanoTime());
            send(user, number, new CallRequest(from(), settings.pool(), AaveV3Calls.liquidationCall(collateral, debt, user, MAX_UINT256, false),
                    BigInteger.ZERO, BigInteger.valueOf(settings.gasLimit()), nonce(), maxFee, settings.tipWei()));
        }
    }
}
