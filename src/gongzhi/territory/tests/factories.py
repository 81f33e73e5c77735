"""A small but complete net for tests: one district, one street, two communities (A and B), each
with a grid, compound, building, unit and household. Boundaries are squares so point tests are exact."""

from dataclasses import dataclass

from gongzhi.territory.actions import build_node
from gongzhi.territory.models import TerritoryNode


def square(x: float, y: float, size: float) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]],
    }


def make_node(
    level: str, code: str, name: str, parent: TerritoryNode | None, geometry: dict | None = None
) -> TerritoryNode:
    node = build_node(level=level, code=code, name=name, parent=parent, geometry=geometry)
    node.save()
    return node


@dataclass
class Branch:
    community: TerritoryNode
    grid: TerritoryNode
    compound: TerritoryNode
    building: TerritoryNode
    unit: TerritoryNode
    household: TerritoryNode


@dataclass
class Net:
    district: TerritoryNode
    street: TerritoryNode
    a: Branch
    b: Branch


def make_branch(street: TerritoryNode, n: int, name: str, x: float) -> Branch:
    community = make_node("community", f"{street.code}{n:03d}", name, street, square(x, 22.7, 0.01))
    grid = make_node("grid", f"{community.code}001", f"{name}第一网格", community, square(x, 22.7, 0.005))
    compound = make_node("compound", f"{grid.code}01", f"{name}花园", grid, square(x, 22.7, 0.004))
    building = make_node(
        "building",
        f"{compound.code}001",
        "1栋",
        compound,
        {"type": "Point", "coordinates": [x + 0.001, 22.701]},
    )
    unit = make_node("unit", f"{building.code}01", "1单元", building)
    household = make_node("household", f"{unit.code}0101", "101", unit)
    return Branch(community, grid, compound, building, unit, household)


def make_net() -> Net:
    district = make_node("district", "440311", "光明区", None, square(113.9, 22.7, 0.1))
    street = make_node("street", "440311001", "光明街道", district, square(113.9, 22.7, 0.05))
    a = make_branch(street, 1, "甲社区", 113.90)
    b = make_branch(street, 2, "乙社区", 113.92)
    return Net(district=district, street=street, a=a, b=b)
