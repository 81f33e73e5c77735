"""An assembly's lifecycle: draft → voting → closed, with no way back (a closed vote is a record)."""

from gongzhi.assemblies.models import AssemblyStatus
from gongzhi.core.lifecycle import StatusTable

ASSEMBLIES = StatusTable.from_moves(
    {AssemblyStatus.DRAFT: (AssemblyStatus.VOTING,), AssemblyStatus.VOTING: (AssemblyStatus.CLOSED,)},
    labels=(AssemblyStatus,),
)
