package dev.margincall.devnet;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test class its own devnet (one chain for the whole class, stopped after it, also when a
 * test fails), with one or more Aave markets: parameters of type {@link Devnet}, {@link Deployment} or {@link dev.margincall.chain.DevChain}
 * are injected.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(DevnetExtension.class)
public @interface WithDevnet {

    int borrowers() default 0;

    long seed() default 1;

    /** Aave markets to deploy (1: core; 2: core and prime, sharing tokens and feeds), each with {@link #borrowers()} borrowers. */
    int markets() default 1;

    /** The Aave version of the markets, as {@link AaveVersion#parse} reads it: "3.0" or "3.6" ({@link AaveVersion#DEFAULT}). */
    String aave() default "3.6";

    /** The protocols to deploy, as {@link DevnetProtocol#parseList} reads them: "aave-v3" (the default) or "aave-v3,morpho-blue". */
    String protocols() default "aave-v3";

    /**
     * Each test runs on the devnet as the class found it: a snapshot before it (before the class's own {@code @BeforeEach}),
     * and after it (after the class's {@code @AfterEach}, e.g. a keeper closed) automine on, interval mining off, reverted.
     */
    boolean revertEachTest() default false;
}
