"""The walking model of the 15-minute childcare circle."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WalkModel:
    """Estimated walk = straight-line distance × detour ÷ speed, where no street network is loaded."""

    speed_kmh: float = 4.5
    detour: float = 1.25

    @property
    def metres_per_minute(self) -> float:
        return self.speed_kmh * 1000 / 60

    def minutes(self, straight_line_m: float) -> float:
        return straight_line_m * self.detour / self.metres_per_minute

    def walk_minutes_along(self, network_m: float) -> float:
        """Minutes for a distance already measured along streets."""
        return network_m / self.metres_per_minute

    def radius_m(self, minutes: float) -> float:
        """Straight-line radius of the circle: 15 min at the defaults is 900 m."""
        return minutes * self.metres_per_minute / self.detour
