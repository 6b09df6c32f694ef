"""annual"""
