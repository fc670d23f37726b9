from setuptools import setup
setup(name="litellm", version="1.82.8", packages=["litellm"])
