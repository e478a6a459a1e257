package org.myelin.bench;

import org.myelin.bench.scenarios.IdleRss;
import org.myelin.bench.scenarios.RegisterLogin;
import org.myelin.bench.scenarios.Startup;
import org.myelin.bench.scenarios.Whoami;

import java.util.List;
import java.util.Optional;

/** The registry of scenarios, in the order `all` runs them. */
public final class Scenarios {
    public static final List<Scenario> ALL = List.of(new Startup(), new IdleRss(), new RegisterLogin(), new Whoami(),
            new org.myelin.bench.scenarios.Send(),
            new org.myelin.bench.scenarios.LargeRoom(),
            new org.myelin.bench.scenarios.CreateRoom(),
            new org.myelin.bench.scenarios.SyncLatency(),
            new org.myelin.bench.scenarios.ParkedSyncs(),
            new org.myelin.bench.scenarios.SyncCost(),
            new org.myelin.bench.scenarios.TypingScenario(),
            new org.myelin.bench.scenarios.Receipt());

    private Scenarios() {}

    public static Optional<Scenario> byName(String name) {
        return ALL.stream().filter(s -> s.name().equals(name)).findFirst();
    }
}
