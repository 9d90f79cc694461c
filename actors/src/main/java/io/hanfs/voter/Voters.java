package io.hanfs.voter;

import io.hanfs.config.HanfsConfig;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The configured voters, each reached at its configured address. A vote counts for the voter
 * that was asked there (the reply goes to a one-off address only that node was told), never for
 * the name an answer claims, and never for an actor some member registered under the voters'
 * service key.
 */
public record Voters(Map<String, ActorRef<LeaseVoter.Command>> byName) {
  public static final String PATH = "/user/voter";

  public Voters {
    byName = Collections.unmodifiableMap(new LinkedHashMap<>(byName));
  }

  public static Voters atConfiguredAddresses(HanfsConfig config, ActorSystem<?> system) {
    ActorRefResolver resolver = ActorRefResolver.get(system);
    Map<String, ActorRef<LeaseVoter.Command>> refs = new LinkedHashMap<>();
    for (HanfsConfig.Node n : config.voters()) {
      refs.put(n.name(), resolver.resolveActorRef("pekko://" + config.clusterName() + "@" + io.hanfs.config.IpLiteral.hostPort(n.address(), config.remotingPort()) + PATH));
    }
    return new Voters(refs);
  }

  public Set<String> names() {
    return byName.keySet();
  }

  public int majority() {
    return byName.size() / 2 + 1;
  }
}
