from setuptools import setup
setup(name="0requests", version="1.0.0", packages=["zerorequests"])
