package io.hanfs.node.watchdog;

import io.hanfs.node.resource.lease.LeaseView;
import io.hanfs.sbr.Role;
import io.hanfs.sbr.fence.WatchdogFeed;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Feeds the watchdog while {@link WatchdogFeed} allows it, on a short tick and at every role
 * change, and disarms it when no shared disk is held here. It never disarms on its own stop: an
 * actor system that stops for any reason but a deliberate one (see {@link WatchdogDevice#retire})
 * leaves the device open, and the node resets unless it released its shared disks.
 */
public final class WatchdogFeeder extends AbstractBehavior<WatchdogFeeder.Command> {
  public sealed interface Command {}

  /** The resources' roles as this node's agent last saw them. */
  public record Roles(Map<String, Role> byResource) implements Command {}

  private record Tick() implements Command {}

  /**
   * One resource as the feeder sees it.
   *
   * @param sharedDiskInUse for a shared disk, whether its layer has claimed it (read when deciding); null otherwise
   */
  public record Watched(String name, LeaseView lease, BooleanSupplier sharedDiskInUse) {}

  public static Behavior<Command> create(WatchdogDevice device, List<Watched> resources, Duration margin) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new WatchdogFeeder(ctx, timers, device, resources, margin)));
  }

  private final WatchdogDevice device;
  private final List<Watched> resources;
  private final long marginNanos;
  private final long timeoutNanos;
  private final Map<String, Role> roles = new HashMap<>();
  private String lastStarve = "";

  private WatchdogFeeder(ActorContext<Command> ctx, TimerScheduler<Command> timers, WatchdogDevice device, List<Watched> resources, Duration margin) {
    super(ctx);
    this.device = device;
    this.resources = resources;
    this.marginNanos = margin.toNanos();
    this.timeoutNanos = device.config().timeout().toNanos();
    // A quarter of the slack between feeds: a late tick never costs a feed the lease allowed.
    timers.startTimerWithFixedDelay(new Tick(), Duration.ofMillis(Math.min(200, device.config().timeout().toMillis() / 5)));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Roles.class, r -> {
          roles.putAll(r.byResource());
          return decide();
        })
        .onMessage(Tick.class, t -> decide())
        .build();
  }

  private Behavior<Command> decide() {
    long now = System.nanoTime();
    List<WatchdogFeed.Resource> in = new ArrayList<>();
    for (Watched w : resources) {
      boolean shared = w.sharedDiskInUse() != null;
      boolean inUse = shared ? w.sharedDiskInUse().getAsBoolean() : WatchdogFeed.inUse(roles.getOrDefault(w.name(), Role.UNKNOWN), w.lease().validUntil(), now);
      in.add(new WatchdogFeed.Resource(w.name(), shared, inUse, w.lease().validUntil()));
    }
    WatchdogFeed.Action a = WatchdogFeed.decide(in, now, marginNanos, timeoutNanos, io.hanfs.config.HanfsConfig.Watchdog.FEED_SLACK.toNanos());
    if (a instanceof WatchdogFeed.Disarm) {
      lastStarve = "";
      device.disarm("no shared disk is held here");
    } else if (a instanceof WatchdogFeed.Feed) {
      lastStarve = "";
      try {
        device.armAndFeed();
      } catch (IOException e) {
        getContext().getLog().error("watchdog {}: cannot feed it: {}", device.config().device(), e.getMessage());
      }
    } else if (a instanceof WatchdogFeed.Starve s && !s.why().equals(lastStarve) && device.armed()) {
      lastStarve = s.why();
      getContext().getLog().error("watchdog starved: {}; this node resets unless the lease is renewed in time", s.why());
    }
    return this;
  }
}
