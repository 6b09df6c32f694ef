"""subsidies"""
