package dev.margincall.app;

import static dev.margincall.chain.abi.Abi.address;
import static dev.margincall.chain.abi.Abi.uint;

import dev.margincall.chain.abi.Abi;
import dev.margincall.core.Address;
import dev.margincall.devnet.Deployment;
import dev.margincall.devnet.Devnet;
import dev.margincall.devnet.DevnetDeployer;
import dev.margincall.devnet.MorphoParams;
import dev.margincall.devnet.Transactor;
import java.math.BigInteger;

/** Morpho Blue transactions of a test user on the devnet (automine: each its own block). The user needs gas money. */
final class MorphoActions {

    private static final String TUPLE = "(address,address,address,address,uint256)";
    /** Holds nothing: its eth_call liquidations revert "position is healthy" or, past that check, on the payment. */
    private static final Address PROBE = DevnetDeployer.derivedAddress("margin-call/test/keeper-morpho-probe");

    private final Devnet devnet;
    private final Address user;

    MorphoActions(Devnet devnet, Address user) {
        this.devnet = devnet;
        this.user = user;
    }

    static MorphoParams market(Devnet devnet, String name) {
        return MorphoParams.of(devnet.deployment().morphoBlue().market(name));
    }

    private Address morpho() {
        return devnet.deployment().morphoBlue().morpho();
    }

    /** The user supplies {@code collateral} (minted) and borrows {@code borrow} in the named market. */
    void openPosition(String market, BigInteger collateral, BigInteger borrow) {
        openPosition(market(devnet, market), collateral, borrow);
    }

    /** The same in any market, e.g. one a test created itself. */
    void openPosition(MorphoParams params, BigInteger collateral, BigInteger borrow) {
        supplyCollateral(params, user, collateral);
        new Transactor(devnet.chain()).send("borrow", user, morpho(), Abi.call("borrow(" + TUPLE + ",uint256,uint256,address,address)",
                params.with(uint(borrow), uint(0), address(user), address(user))), 500_000);
    }

    /** The user mints {@code amount} of the collateral token and supplies it on behalf of {@code onBehalf}. */
    void supplyCollateral(MorphoParams params, Address onBehalf, BigInteger amount) {
        Transactor tx = new Transactor(devnet.chain());
        tx.send("mint collateral", user, params.collateralToken(), Abi.call("mint(uint256)", uint(amount)));
        tx.send("approve Morpho", user, params.collateralToken(), Abi.call("approve(address,uint256)", address(morpho()), uint(amount)));
        tx.send("supplyCollateral", user, morpho(), Abi.call("supplyCollateral(" + TUPLE + ",uint256,address,bytes)",
                params.with(uint(amount), address(onBehalf), Abi.bytes("0x"))), 500_000);
    }

    /** The user mints {@code amount} of the loan token and supplies it: liquidity for borrowers. */
    void supply(MorphoParams params, BigInteger amount) {
        Transactor tx = new Transactor(devnet.chain());
        tx.send("mint loan token", user, params.loanToken(), Abi.call("mint(uint256)", uint(amount)));
        tx.send("approve Morpho", user, params.loanToken(), Abi.call("approve(address,uint256)", address(morpho()), uint(amount)));
        tx.send("supply", user, morpho(), Abi.call("supply(" + TUPLE + ",uint256,uint256,address,bytes)",
                params.with(uint(amount), uint(0), address(user), Abi.bytes("0x"))), 500_000);
    }

    /**
     * Of {@code borrowers} in the market {@code params}, those the chain lets anyone liquidate at {@code tag}: {@code liquidate}
     * of 1 seized unit by an account without funds gets past Morpho's health check and reverts on the payment ("transferFrom
     * reverted", or an arithmetic panic for dust); a healthy position reverts "position is healthy". Any other answer is neither: it is asked again, and if it
     * stays, the test fails naming it (a CI run once counted a health-2.0 position liquidatable on an unexplained revert).
     */
    static java.util.Set<Address> liquidatable(dev.margincall.chain.DevChain chain, Address morpho, MorphoParams params,
                                               java.util.Collection<Address> borrowers, dev.margincall.chain.BlockTag tag) {
        java.util.Set<Address> out = new java.util.LinkedHashSet<>();
        for (Address borrower : borrowers) {
            if (liquidatable(chain, morpho, params, borrower, tag)) {
                out.add(borrower);
            }
        }
        return out;
    }

    private static boolean liquidatable(dev.margincall.chain.DevChain chain, Address morpho, MorphoParams params, Address borrower,
                                        dev.margincall.chain.BlockTag tag) {
        String data = Abi.call("liquidate(" + TUPLE + ",address,uint256,uint256,bytes)",
                params.with(address(borrower), uint(BigInteger.ONE), uint(BigInteger.ZERO), Abi.bytes("0x")));
        String answer = "no revert";
        for (int attempt = 1; attempt <= 3; attempt++) {
            try {
                chain.call(new dev.margincall.chain.CallRequest(PROBE, morpho, data, null, null), tag);
                answer = "no revert";
            } catch (dev.margincall.chain.CallRevertedException e) {
                if (e.reason().contains("position is healthy")) {
                    return false;
                }
                if (e.reason().contains("transferFrom") || e.reason().contains("panic 0x11")) {
                    return true; // past the health check: the payment, or (dust) one unit needing more shares than are left
                }
                answer = e.getMessage();
            }
            System.out.printf("liquidate probe of %s at %s answered %s (attempt %d)%n", borrower, tag, answer, attempt);
        }
        throw new AssertionError("liquidate of 1 unit of " + borrower + " at " + tag + " neither reverted as healthy nor on the payment: " + answer);
    }

    void withdrawCollateral(MorphoParams params, BigInteger amount) {
        new Transactor(devnet.chain()).send("withdrawCollateral", user, morpho(), Abi.call("withdrawCollateral(" + TUPLE + ",uint256,address,address)",
                params.with(uint(amount), address(user), address(user))), 500_000);
    }

    /** A new market: WETH/USDC's tokens, oracle and IRM at the 94.5 % LLTV the devnet enables. */
    static MorphoParams createMarket(Devnet devnet) {
        Deployment.MorphoMarket template = devnet.deployment().morphoBlue().market("WETH/USDC");
        MorphoParams params = new MorphoParams(template.loanToken(), template.collateralToken(), template.oracle(), template.irm(),
                new BigInteger("945000000000000000"));
        new Transactor(devnet.chain()).send("create a market", DevnetDeployer.DEPLOYER, devnet.deployment().morphoBlue().morpho(),
                Abi.call("createMarket(" + TUPLE + ")", params.fields()), 1_000_000);
        return params;
    }
}
