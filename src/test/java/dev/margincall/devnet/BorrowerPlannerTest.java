package dev.margincall.devnet;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class BorrowerPlannerTest {

    private static final BigInteger WAD = BigInteger.TEN.pow(18);
    private final MarketSpec market = MarketSpec.standard();
    private final BorrowerPlanner planner = new BorrowerPlanner(market);

    @Test
    void theSameSeedGivesTheSamePlanAndAnotherSeedAnotherOne() {
        List<SeededBorrower> first = planner.plan(300, 7);
        assertThat(planner.plan(300, 7)).isEqualTo(first);
        List<SeededBorrower> other = planner.plan(300, 8);
        assertThat(other.get(0).address()).isNotEqualTo(first.get(0).address());
        assertThat(other.stream().map(SeededBorrower::expectedHealthFactor).toList())
                .isNotEqualTo(first.stream().map(SeededBorrower::expectedHealthFactor).toList());
    }

    @Test
    void everyProfileAndBandIsRepresentedAndAddressesAreDistinct() {
        List<SeededBorrower> plan = planner.plan(500, 1);
        assertThat(plan.stream().map(SeededBorrower::profile).collect(Collectors.toSet())).isEqualTo(EnumSet.allOf(BorrowerProfile.class));
        assertThat(plan.stream().map(SeededBorrower::band).collect(Collectors.toSet())).isEqualTo(EnumSet.allOf(RiskBand.class));
        assertThat(plan.stream().map(SeededBorrower::address).distinct()).hasSize(500);
    }

    @Test
    void everyPlanIsBorrowableAndHealthyButNearBorrowersAreClose() {
        for (SeededBorrower borrower : planner.plan(1_000, 3)) {
            assertThat(borrower.expectedHealthFactor()).as("HF of %s", borrower).isGreaterThan(WAD);
            assertThat(borrower.debt()).as("debts of %s", borrower).isNotEmpty().allSatisfy(debt -> assertThat(debt.amount()).isPositive());
            assertThat(borrower.collateral()).extracting(Holding::symbol).doesNotContainAnyElementsOf(
                    borrower.debt().stream().map(Holding::symbol).toList());
            if (borrower.band() == RiskBand.NEAR) {
                assertThat(borrower.expectedHealthFactor()).as("near borrower %s", borrower).isLessThan(WAD.multiply(BigInteger.valueOf(13)).divide(BigInteger.TEN));
            }
            if (borrower.profile() == BorrowerProfile.STABLE_EMODE) {
                assertThat(borrower.eModeCategory()).isEqualTo(1);
            }
        }
    }

    @Test
    void theCorePlanIsTheOneItWasBeforeTheDevnetHadSeveralMarkets() throws Exception {
        // Other tests and users' seeds rely on core's borrowers: the digest of a plan made before prime existed, without the
        // eMode borrowers of odd index, which since 3.6 support also hold a collateral outside their category (drawn without
        // a random number, so every other borrower is exactly what it was).
        List<SeededBorrower> plan = planner.plan(300, 7);
        List<SeededBorrower> unchanged = plan.stream().filter(b -> b.profile() != BorrowerProfile.STABLE_EMODE || b.index() % 2 == 0).toList();
        assertThat(sha256(unchanged.toString())).isEqualTo("5788350a0a28cb413ee9fcebb8d090baebc4c25f00c2a8a782365dd6dc43a945");
        assertThat(sha256(plan.toString())).isEqualTo("48f48a383215e46bb264425509d4d6c00d2dbb0400150b649b0edb07d09fa06c");
        assertThat(planner.plan(1, 7).get(0).address()).isEqualTo(BorrowerPlanner.borrowerAddress(7, 0));
    }

    private static String sha256(String text) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    void primeHasItsOwnBorrowersInItsOwnThreeReserves() {
        MarketSpec prime = MarketSpec.prime();
        BorrowerPlanner primePlanner = new BorrowerPlanner(prime);
        List<SeededBorrower> plan = primePlanner.plan(500, 7);
        assertThat(primePlanner.plan(500, 7)).isEqualTo(plan);
        assertThat(plan.stream().map(SeededBorrower::address).distinct()).hasSize(500)
                .doesNotContainAnyElementsOf(planner.plan(500, 7).stream().map(SeededBorrower::address).toList());
        // Three reserves hold every shape but two collaterals with two debts.
        assertThat(plan.stream().map(SeededBorrower::profile).collect(Collectors.toSet()))
                .isEqualTo(EnumSet.complementOf(EnumSet.of(BorrowerProfile.MULTI_COLLATERAL_MULTI_DEBT)));
        List<String> listed = prime.reserves().stream().map(ReserveSpec::symbol).toList();
        for (SeededBorrower borrower : plan) {
            assertThat(borrower.expectedHealthFactor()).as("HF of %s", borrower).isGreaterThan(WAD);
            assertThat(borrower.collateral()).extracting(Holding::symbol).isSubsetOf(listed)
                    .doesNotContainAnyElementsOf(borrower.debt().stream().map(Holding::symbol).toList());
            assertThat(borrower.debt()).extracting(Holding::symbol).isSubsetOf(listed);
        }
    }

    @Test
    void healthFactorFollowsAaveRounding() {
        // $10,000 collateral at an 82.5 % threshold against $8,000 debt: 8250 / 8000 = 1.03125
        BigInteger collateral = ReserveSpec.usd(10_000);
        BigInteger weighted = collateral.multiply(BigInteger.valueOf(8250));
        assertThat(BorrowerPlanner.healthFactor(collateral, weighted, ReserveSpec.usd(8_000))).isEqualTo(new BigInteger("1031250000000000000"));
        // wadDiv rounds half up: 2 / 3 → 0.666…667
        assertThat(BorrowerPlanner.healthFactor(BigInteger.valueOf(2), BigInteger.valueOf(20_000), BigInteger.valueOf(3)))
                .isEqualTo(new BigInteger("666666666666666667"));
        assertThat(BorrowerPlanner.healthFactor(collateral, weighted, BigInteger.ZERO)).isEqualTo(BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE));
    }
}
