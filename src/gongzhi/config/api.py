"""The JSON API under /api/v1/: session auth (with CSRF) for the browser, bearer tokens for integrations.

Refusals (400/401/404/413/422, in the user's language) and their place in the schema: core.api_errors."""

from gongzhi.accounts.api import router as accounts_router
from gongzhi.accounts.api_auth import SessionAuth, TokenAuth
from gongzhi.appeals.api import router as appeals_router
from gongzhi.assemblies.api import router as assemblies_router
from gongzhi.circles.api import router as circles_router
from gongzhi.core.api import router as core_router
from gongzhi.core.api_errors import GongzhiAPI
from gongzhi.councils.api import router as councils_router
from gongzhi.dispatch.api import router as dispatch_router
from gongzhi.hotissues.api import router as hot_router
from gongzhi.ledgers.api import router as ledgers_router
from gongzhi.needs.api import router as needs_router
from gongzhi.orgs.api import router as orgs_router
from gongzhi.parking.api import router as parking_router
from gongzhi.people.api import router as people_router
from gongzhi.places.api import router as places_router
from gongzhi.points.api import router as points_router
from gongzhi.projects.api import router as projects_router
from gongzhi.service.api import router as service_router
from gongzhi.territory.api import router as territory_router

api = GongzhiAPI(
    title="gongzhi 共治 API",
    version="1",
    description="区划网格、组织、人员与台账接口。个人信息默认脱敏;查看明文需权限并记录审计。",
    # Token first: SessionAuth runs the CSRF check on writes and would refuse a bearer-token POST
    # that carries no cookie before the token was ever looked at.
    auth=[TokenAuth(), SessionAuth()],
    docs_url="/docs",
    urls_namespace="api",
)
api.add_router("/territory/", territory_router)
api.add_router("/orgs/", orgs_router)
api.add_router("/people/", people_router)
api.add_router("/accounts/", accounts_router)
api.add_router("/audit/", core_router)
api.add_router("/ledgers/", ledgers_router)
api.add_router("/appeals/", appeals_router)
api.add_router("/hot/", hot_router)
api.add_router("/dispatch/", dispatch_router)
api.add_router("/points/", points_router)
api.add_router("/service/", service_router)
api.add_router("/places/", places_router)
api.add_router("/circles/", circles_router)
api.add_router("/parking/", parking_router)
api.add_router("/projects/", projects_router)
api.add_router("/councils/", councils_router)
api.add_router("/assemblies/", assemblies_router)
api.add_router("/needs/", needs_router)
