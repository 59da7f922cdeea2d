package dev.margincall.app;

import dev.margincall.app.config.KeeperConfig;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.CallRequest;
import dev.margincall.chain.DevChain;
import dev.margincall.chain.EthRpc;
import dev.margincall.chain.LogFilter;
import dev.margincall.chain.abi.Abi;
import dev.margincall.core.Address;
import dev.margincall.devnet.Deployment;
import dev.margincall.devnet.Devnet;
import dev.margincall.devnet.DevnetException;
import dev.margincall.devnet.DevnetProtocol;
import dev.margincall.devnet.RiskBand;
import dev.margincall.devnet.SeededBorrower;
import dev.margincall.devnet.Transactor;
import dev.margincall.protocol.aavev3.AccountDataReader;
import dev.margincall.protocol.aavev3.FlashLiquidator;
import dev.margincall.protocol.aavev3.LiquidationCallEvent;
import dev.margincall.protocol.aavev3.UserAccountData;
import dev.margincall.protocol.aavev3.model.WadRayMath;
import dev.margincall.submit.TransactionSigner;
import java.math.BigInteger;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code bench} on the devnet's Aave V3 market (the default). */
final class AaveBenchTarget implements BenchTarget {

    private BigInteger dai;

    @Override
    public String protocol() {
        return "aave-v3";
    }

    @Override
    public Set<DevnetProtocol> devnetProtocols() {
        return EnumSet.of(DevnetProtocol.AAVE_V3);
    }

    @Override
    public void fundAndApprove(Devnet devnet, Address keeper) {
        Transactor tx = new Transactor(devnet.chain());
        devnet.chain().setBalance(keeper, BigInteger.TEN.pow(22));
        for (Deployment.Reserve reserve : devnet.deployment().reserves()) {
            BigInteger amount = BigInteger.TEN.pow(reserve.decimals()).multiply(BigInteger.valueOf(1_000_000_000L));
            tx.send("mint " + reserve.symbol() + " to the keeper", keeper, reserve.asset(), Abi.call("mint(address,uint256)", Abi.address(keeper), Abi.uint(amount)));
            tx.send("approve the Pool for " + reserve.symbol(), keeper, reserve.asset(), Abi.call("approve(address,uint256)",
                    Abi.address(devnet.deployment().aaveV3().pool()), Abi.uint(WadRayMath.MAX_UINT256)));
        }
    }

    /** Our FlashLiquidator: flash-loan funding, and batches of either funding. */
    @Override
    public Address deployLiquidator(Devnet devnet, Address keeper) {
        return new Transactor(devnet.chain()).deploy("FlashLiquidator", keeper,
                FlashLiquidator.deployData(devnet.deployment().aaveV3().poolAddressesProvider(), devnet.deployment().uniswapV2().router()));
    }

    @Override
    public KeeperConfig.Protocol keeperEntry(Devnet devnet) {
        Deployment deployment = devnet.deployment();
        return new KeeperConfig.Protocol("aave-v3", deployment.aaveV3().poolAddressesProvider(), deployment.startBlock());
    }

    @Override
    public NaiveBot naive(EthRpc rpc, TransactionSigner signer, Devnet devnet, NaiveKeeper.Probe probe) {
        Deployment deployment = devnet.deployment();
        Map<Address, Integer> decimals = new LinkedHashMap<>();
        deployment.reserves().forEach(r -> decimals.put(r.asset(), r.decimals()));
        return new NaiveKeeper(rpc, signer, accounts(devnet), new NaiveKeeper.Settings(deployment.chainId(), deployment.aaveV3().pool(),
                deployment.aaveV3().dataProvider(), deployment.aaveV3().oracle(), decimals, 1_000_000, BigInteger.valueOf(1_000_000_000L), 1000,
                Duration.ofMillis(50)), probe);
    }

    @Override
    public List<Address> accounts(Devnet devnet) {
        return devnet.borrowers().stream().map(SeededBorrower::address).toList();
    }

    /** DAI ±1 bp by silent feed writes: nobody's health factor crosses 1. */
    @Override
    public void movePrice(Devnet devnet, int i) {
        if (dai == null) {
            dai = devnet.market().price("DAI");
        }
        devnet.market().writeFeed("DAI", i % 2 == 0 ? dai.add(dai.divide(BigInteger.valueOf(10_000))) : dai);
    }

    @Override
    public void restorePrice(Devnet devnet) {
        if (dai != null) {
            devnet.market().writeFeed("DAI", dai);
        }
    }

    /** A safe borrower withdraws 1 % of one unit of its first collateral. */
    @Override
    public boolean positionEvent(Devnet devnet, int i) {
        Deployment deployment = devnet.deployment();
        List<SeededBorrower> safe = devnet.borrowers().stream().filter(b -> b.band() == RiskBand.values()[RiskBand.values().length - 1]
                && b.eModeCategory() == 0).toList();
        if (safe.isEmpty()) {
            safe = devnet.borrowers();
        }
        SeededBorrower borrower = safe.get(i % safe.size());
        Deployment.Reserve reserve = deployment.reserve(borrower.collateral().get(0).symbol());
        try {
            new Transactor(devnet.chain()).send("withdraw", borrower.address(), deployment.aaveV3().pool(), Abi.call("withdraw(address,uint256,address)",
                    Abi.address(reserve.asset()), Abi.uint(BigInteger.TEN.pow(reserve.decimals()).divide(BigInteger.valueOf(100))),
                    Abi.address(borrower.address())));
            return true;
        } catch (DevnetException e) {
            return false; // a withdrawal the pool refuses is still a transaction, but no position event
        }
    }

    @Override
    public void crashStep(Devnet devnet, String symbol, BigInteger price) {
        devnet.market().setPrice(symbol, price, dev.margincall.devnet.PriceMoveMethod.SOURCE_SWAP);
    }

    @Override
    public long priceReached(Devnet devnet, String symbol, long from) throws InterruptedException {
        return BenchTarget.firstChange(devnet.chain(), from, block -> oraclePrice(devnet.chain(), devnet.deployment(), symbol, block));
    }

    private static BigInteger oraclePrice(DevChain chain, Deployment deployment, String symbol, long block) {
        return Abi.decodeUint(chain.call(CallRequest.call(deployment.aaveV3().oracle(), Abi.call("getAssetPrice(address)",
                Abi.address(deployment.reserve(symbol).asset()))), BlockTag.number(block)));
    }

    /** {@code getUserAccountData} below 1 with debt, 500 accounts per Multicall3 round. */
    @Override
    public Set<Address> liquidatable(Devnet devnet, List<Address> accounts, long block) {
        AccountDataReader reader = new AccountDataReader(devnet.chain(), devnet.deployment().multicall3(), devnet.deployment().aaveV3().pool());
        Set<Address> out = new HashSet<>();
        for (int from = 0; from < accounts.size(); from += 500) {
            for (UserAccountData data : reader.read(accounts.subList(from, Math.min(accounts.size(), from + 500)), BlockTag.number(block))) {
                if (data.hasDebt() && data.liquidatable()) {
                    out.add(data.account());
                }
            }
        }
        return out;
    }

    @Override
    public Liquidations liquidations(Devnet devnet, java.util.Set<Address> liquidators, long from, long to) {
        return Liquidations.of(devnet.chain().logs(new LogFilter(from, to, List.of(devnet.deployment().aaveV3().pool()), List.of(LiquidationCallEvent.TOPIC))),
                log -> liquidators.contains(LiquidationCallEvent.decode(log).liquidator()), log -> LiquidationCallEvent.decode(log).user());
    }

    @Override
    public Map<String, Object> scenarioNotes() {
        return Map.of("priceMoves", "DAI +-1 bp by silent feed writes, one per block",
                "positionEvents", "a borrower withdraws 1% of one unit of collateral, one per block");
    }
}
