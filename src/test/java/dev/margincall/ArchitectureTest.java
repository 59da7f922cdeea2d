package dev.margincall;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The architecture of DESIGN.md, enforced: pure boxes stay pure, web3j stays in its adapter, arrows point one way. */
class ArchitectureTest {

    private static JavaClasses main;

    private static final String[] PURE = {"dev.margincall.core..", "dev.margincall.strategy..", "dev.margincall.protocol..model..",
        "dev.margincall.risk.."};

    /** The protocol-neutral values every box may use: positions, quotes, valuations (not the market interface, which follows blocks). */
    private static final DescribedPredicate<JavaClass> NEUTRAL_VALUES = DescribedPredicate.or(
            JavaClass.Predicates.equivalentTo(dev.margincall.protocol.spi.Quote.class),
            JavaClass.Predicates.equivalentTo(dev.margincall.protocol.spi.PositionId.class),
            JavaClass.Predicates.equivalentTo(dev.margincall.protocol.spi.MarketId.class),
            JavaClass.Predicates.equivalentTo(dev.margincall.protocol.spi.Valuation.class));

    /** Each protocol adapter: only the composition root and the adapter itself may know it. */
    private static final String[] PROTOCOLS = {"aavev3", "morphoblue"};

    /** What a protocol hands the risk report: an immutable snapshot and the values read from it. */
    private static final DescribedPredicate<JavaClass> RISK_SEAM = DescribedPredicate.or(
            JavaClass.Predicates.equivalentTo(dev.margincall.protocol.spi.RiskSnapshot.class),
            JavaClass.Predicates.equivalentTo(dev.margincall.protocol.spi.RiskAsset.class),
            JavaClass.Predicates.equivalentTo(dev.margincall.protocol.spi.AccountExposure.class),
            JavaClass.Predicates.equivalentTo(dev.margincall.protocol.spi.AccountExposure.Line.class),
            JavaClass.Predicates.equivalentTo(dev.margincall.protocol.spi.AccountHealth.class),
            JavaClass.Predicates.equivalentTo(dev.margincall.protocol.spi.AccountMargin.class),
            JavaClass.Predicates.equivalentTo(dev.margincall.protocol.spi.AccountMargin.AssetMargin.class),
            JavaClass.Predicates.equivalentTo(dev.margincall.protocol.spi.ShockedMarket.class),
            JavaClass.Predicates.equivalentTo(dev.margincall.protocol.spi.LiquidationValue.class),
            JavaClass.Predicates.equivalentTo(dev.margincall.protocol.spi.LiquidationSums.class),
            JavaClass.Predicates.equivalentTo(dev.margincall.protocol.spi.SnapshotHeader.class));

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.margincall");
    }

    @Test
    void theRiskReportIsPureAndSeesProtocolsThroughTheSnapshotOnly() {
        // no I/O, no chain, no app or submitter, no protocol adapter: a function of a snapshot (DESIGN.md: never shock the live book)
        classes().that().resideInAPackage("dev.margincall.risk..")
                .should().onlyDependOnClassesThat(DescribedPredicate.or(
                        JavaClass.Predicates.resideInAnyPackage("java.lang", "java.lang.invoke", "java.lang.runtime", "java.lang.annotation",
                                "java.math..", "java.util..", "dev.margincall.core..", "dev.margincall.risk.."),
                        NEUTRAL_VALUES, RISK_SEAM,
                        DescribedPredicate.describe("arrays of the seam's values", c -> c.isArray() && RISK_SEAM.test(c.getComponentType()))))
                .check(main);
    }

    @Test
    void nothingTheReportReadsFromDependsOnIt() {
        noClasses().that().resideInAnyPackage("dev.margincall.chain..", "dev.margincall.protocol..", "dev.margincall.core..")
                .should().dependOnClassesThat().resideInAPackage("dev.margincall.risk..")
                .because("data flows one way: chain → protocol → state → risk")
                .check(main);
    }

    @Test
    void theRiskSeamIsPureToo() {
        classes().that(RISK_SEAM)
                .should().onlyDependOnClassesThat(DescribedPredicate.or(
                        JavaClass.Predicates.resideInAnyPackage("java.lang", "java.lang.invoke", "java.lang.runtime", "java.math..", "java.util..",
                                "dev.margincall.core.."),
                        NEUTRAL_VALUES, RISK_SEAM))
                .check(main);
    }

    @Test
    void theRiskRulesHaveSomethingToCheck() {
        // a renamed package would make every rule above vacuous
        assertThat(main.stream().filter(c -> c.getPackageName().equals("dev.margincall.risk")).count()).isGreaterThan(5);
        assertThat(main.stream().filter(RISK_SEAM::test).count()).isEqualTo(11);
    }

    @Test
    void coreRiskAndStrategyUseOnlyTheJdkBasicsAndEachOther() {
        classes().that().resideInAnyPackage("dev.margincall.core..", "dev.margincall.strategy..", "dev.margincall.protocol..model..")
                .should().onlyDependOnClassesThat(DescribedPredicate.or(
                        JavaClass.Predicates.resideInAnyPackage("java.lang", "java.lang.invoke", "java.lang.runtime", "java.lang.annotation",
                                "java.math..", "java.util..", "java.nio.charset..", "java.nio",
                                "dev.margincall.core..", "dev.margincall.strategy..", "dev.margincall.protocol..model.."),
                        NEUTRAL_VALUES,
                        // keccak256 for EIP-55 checksums; a pure function
                        JavaClass.Predicates.equivalentTo(org.web3j.crypto.Hash.class)))
                .check(main);
    }

    @Test
    void theNeutralValuesArePureToo() {
        classes().that(NEUTRAL_VALUES)
                .should().onlyDependOnClassesThat(DescribedPredicate.or(
                        JavaClass.Predicates.resideInAnyPackage("java.lang", "java.lang.invoke", "java.lang.runtime", "java.math..", "java.util..",
                                "dev.margincall.core.."),
                        NEUTRAL_VALUES))
                .check(main);
    }

    @Test
    void onlyTheCompositionRootAndTheAdapterItselfKnowAProtocol() {
        for (String protocol : PROTOCOLS) {
            String adapter = "dev.margincall.protocol." + protocol + "..";
            noClasses().that().resideOutsideOfPackages(adapter, "dev.margincall.app..")
                    .should().dependOnClassesThat().resideInAPackage(adapter)
                    .because("the keeper, strategy, submitter and observability see markets through protocol.spi only")
                    .check(main);
        }
    }

    @Test
    void theKeeperLoopStrategyAndSubmitterAreProtocolNeutral() {
        noClasses().that().resideInAnyPackage("dev.margincall.strategy..", "dev.margincall.submit..", "dev.margincall.observability..")
                .or().haveFullyQualifiedName("dev.margincall.app.Keeper").or().haveFullyQualifiedName("dev.margincall.app.KeeperEvents")
                .should().dependOnClassesThat().resideInAPackage("dev.margincall.protocol.aavev3..")
                .check(main);
    }

    @Test
    void pureBoxesReadNoClockNoRandomnessNoEnvironmentAndStartNoProcess() {
        noClasses().that().resideInAnyPackage(PURE)
                .should().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().callMethod(System.class, "getenv", String.class)
                .orShould().callMethod(System.class, "getProperty", String.class)
                .orShould().callMethod(java.time.Instant.class, "now")
                .orShould().dependOnClassesThat().areAssignableTo(java.util.Random.class)
                .orShould().dependOnClassesThat().areAssignableTo(ProcessBuilder.class)
                .orShould().dependOnClassesThat().areAssignableTo(Thread.class)
                .check(main);
    }

    @Test
    void onlyTheChainAdapterTalksToWeb3jRpcAndOkHttp() {
        noClasses().that().resideOutsideOfPackage("dev.margincall.chain.web3j..")
                .should().dependOnClassesThat().resideInAnyPackage("org.web3j.protocol..", "org.web3j.tx..", "okhttp3..", "org.web3j.service..")
                .check(main);
    }

    @Test
    void onlyTheChainAdapterAndTheSubmitterUseWeb3jSigning() {
        noClasses().that().resideOutsideOfPackages("dev.margincall.chain.web3j..", "dev.margincall.submit..")
                .should().dependOnClassesThat(DescribedPredicate.and(
                        JavaClass.Predicates.resideInAPackage("org.web3j.crypto.."),
                        DescribedPredicate.not(JavaClass.Predicates.equivalentTo(org.web3j.crypto.Hash.class))))
                .check(main);
    }

    @Test
    void coreDependsOnNoOtherBox() {
        noClasses().that().resideInAPackage("dev.margincall.core..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.margincall.chain..", "dev.margincall.protocol..",
                        "dev.margincall.strategy..", "dev.margincall.submit..", "dev.margincall.app..", "dev.margincall.devnet..",
                        "dev.margincall.observability..")
                .check(main);
    }

    @Test
    void theChainKnowsNothingOfWhatIsBuiltOnIt() {
        noClasses().that().resideInAPackage("dev.margincall.chain..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.margincall.protocol..", "dev.margincall.strategy..",
                        "dev.margincall.submit..", "dev.margincall.app..", "dev.margincall.devnet..")
                .check(main);
    }

    @Test
    void dataFlowsOneWayFromProtocolToSubmit() {
        // a lending protocol's adapter produces positions and quotes; what the strategy and submitter do with them is theirs
        // (the Uniswap V2 reader is a venue: it fills the strategy's swap market)
        noClasses().that().resideInAnyPackage("dev.margincall.protocol.spi..", "dev.margincall.protocol.aavev3..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.margincall.strategy..", "dev.margincall.submit..")
                .check(main);
        noClasses().that().resideInAPackage("dev.margincall.strategy..")
                .should().dependOnClassesThat().resideInAPackage("dev.margincall.submit..")
                .check(main);
    }

    @Test
    void nothingButTheCompositionRootDependsOnTheApp() {
        noClasses().that().resideOutsideOfPackage("dev.margincall.app..")
                .should().dependOnClassesThat().resideInAPackage("dev.margincall.app..")
                .check(main);
    }

    @Test
    void theKeeperBoxesDoNotDependOnTheDevnet() {
        noClasses().that().resideInAnyPackage("dev.margincall.chain..", "dev.margincall.protocol..", "dev.margincall.strategy..",
                "dev.margincall.submit..", "dev.margincall.observability..")
                .should().dependOnClassesThat().resideInAPackage("dev.margincall.devnet..")
                .check(main);
    }
}
