"""Raw-SQL looks at a domain's database, for arranging and inspecting rows in tests."""

from sqlalchemy import text

from write.context import CommandContext


async def sql_scalar(ctx: CommandContext, domain: str, sql: str, **params):
    async with ctx.databases.transaction(domain) as session:
        return (await session.execute(text(sql), params)).scalar()


async def sql_rows(ctx: CommandContext, domain: str, sql: str, **params) -> list:
    async with ctx.databases.transaction(domain) as session:
        return list((await session.execute(text(sql), params)).all())
